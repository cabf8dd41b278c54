using System.Text.Json.Nodes;
using Cake.EcsDeploy.Tests.Support;
using Shouldly;
using Xunit;

namespace Cake.EcsDeploy.Tests.ScriptRunner;

/// <summary>
/// What a user does: LocalEcs running, a service created with the AWS CLI, then `./build.sh --target=Deploy ...`,
/// the real Cake script runner loading the addin from its build output.
/// </summary>
public class BuildScriptDeployTests(LocalEcsServer localEcs) : IClassFixture<LocalEcsServer>
{
    private const string Cluster = "script";

    private async Task<ChildProcess.Result> BuildShAsync(string service, string image, string artifacts) =>
        await ChildProcess.RunAsync("bash",
        [
            Path.Combine(RepositoryPaths.Root, "build.sh"), "--target=Deploy",
            $"--cluster={Cluster}", $"--service={service}", $"--image={image}",
            $"--verify-url={localEcs.Url}/lb/{Cluster}/{service}/leo", $"--ecs-endpoint={localEcs.Url}",
            $"--artifacts={artifacts}", "--poll-interval=100ms", "--verify-interval=50ms", "--verify-retry-delay=50ms", "--verify-deadline=3s",
        ], AwsCli.Environment, timeout: TimeSpan.FromMinutes(4));

    [Fact]
    public async Task Build_sh_deploys_a_healthy_image_and_exits_zero()
    {
        var before = await localEcs.Cli.SeedServiceAsync(Cluster, "good", "repo/api:1.0.0");
        var artifacts = Directory.CreateTempSubdirectory("ecs-script-").FullName;

        var result = await BuildShAsync("good", "repo/api:1.1.0", artifacts);

        result.ExitCode.ShouldBe(0, result.Output);
        var after = await localEcs.Cli.ServiceTaskDefinitionAsync(Cluster, "good");
        after.ShouldNotBe(before);
        var running = (await localEcs.Cli.JsonAsync("ecs", "describe-task-definition", "--task-definition", after))!;
        running["taskDefinition"]!["containerDefinitions"]![0]!["image"]!.GetValue<string>().ShouldBe("repo/api:1.1.0");
    }

    [Fact]
    public async Task Build_sh_with_an_unhealthy_image_exits_non_zero_and_leaves_the_service_and_backup_as_they_were()
    {
        var before = await localEcs.Cli.SeedServiceAsync(Cluster, "bad", "repo/api:1.0.0");
        var described = (await localEcs.Cli.JsonAsync("ecs", "describe-task-definition", "--task-definition", before, "--query", "taskDefinition"))!;
        var artifacts = Directory.CreateTempSubdirectory("ecs-script-").FullName;

        var result = await BuildShAsync("bad", "repo/api:1.1.0-unhealthy", artifacts);

        result.ExitCode.ShouldNotBe(0, result.Output);
        result.Output.ShouldContain("ROLLED BACK");
        (await localEcs.Cli.ServiceTaskDefinitionAsync(Cluster, "bad")).ShouldBe(before);
        var backup = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(artifacts, "task-definition.json.old")))!;
        JsonNode.DeepEquals(backup, described).ShouldBeTrue($"backup:\n{backup}\nbefore the run:\n{described}");
    }
}
