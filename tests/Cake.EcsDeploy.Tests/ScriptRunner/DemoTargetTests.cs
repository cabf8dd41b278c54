using Cake.EcsDeploy.Tests.Support;
using Shouldly;
using Xunit;

namespace Cake.EcsDeploy.Tests.ScriptRunner;

public class DemoTargetTests
{
    [Fact]
    public async Task Demo_deploys_a_good_image_then_rolls_back_an_unhealthy_one_and_exits_zero()
    {
        var result = await ChildProcess.RunAsync("bash", [Path.Combine(RepositoryPaths.Root, "build.sh"), "--target=Demo", $"--configuration={RepositoryPaths.Configuration}"],
            new Dictionary<string, string>(AwsCli.Environment)
            {
                ["CAKE_SETTINGS_ENABLESCRIPTCACHE"] = "true",
                ["CAKE_PATHS_CACHE"] = Directory.CreateTempSubdirectory("ecs-demo-cache-").FullName,
            },
            timeout: TimeSpan.FromMinutes(5));

        result.ExitCode.ShouldBe(0, result.Output);
        result.Output.ShouldContain("OK: deployed and verified");
        result.Output.ShouldContain("OK: failed verification, rolled back to the good revision");
    }
}
