using Cake.EcsDeploy.Tests.Support;
using Shouldly;
using Xunit;
using static Cake.EcsDeploy.Tests.Support.DeployArguments;

namespace Cake.EcsDeploy.Tests.EndToEnd;

/// <summary>`--target=Plan`: the settings in force with their sources, and the diff Deploy would register; nothing changes.</summary>
public class PlanTargetTests(LocalEcsServer localEcs) : IClassFixture<LocalEcsServer>
{
    private const string Cluster = "plan";

    [Fact]
    public async Task Plan_shows_the_image_change_and_where_each_setting_came_from_and_changes_nothing()
    {
        var original = await localEcs.Cli.SeedServiceAsync(Cluster, "api", "repo/api:1.0.0");
        var repository = NewArtifacts();
        var settingsFile = Path.Combine(repository, "ecs-deploy.json");
        await File.WriteAllTextAsync(settingsFile, $$"""{ "cluster": "{{Cluster}}", "service": "api", "verify-successes": 4 }""");
        var arguments = For(localEcs.Url, Cluster, "api", "repo/api:1.1.0", Path.Combine(repository, "artifacts"), ("settings-file", settingsFile));
        arguments.Remove("cluster");
        arguments.Remove("service");

        var run = await CakeHost.RunTargetAsync("Plan", arguments);

        run.Succeeded.ShouldBeTrue(run.Log);
        run.Log.ShouldContain("containerDefinitions[api-go].image: \"repo/api:1.0.0\" -> \"repo/api:1.1.0\"");
        run.Log.ShouldMatch(@"cluster\s+plan\s+settings file");
        run.Log.ShouldMatch(@"verify-successes\s+4\s+settings file");
        run.Log.ShouldMatch(@"image\s+repo/api:1.1.0\s+argument");
        run.Log.ShouldContain("nothing was changed in ECS");
        run.Log.ShouldNotContain("GREETING\":", customMessage: "environment values are not printed");
        (await localEcs.Cli.RevisionCountAsync("api")).ShouldBe(1);
        (await localEcs.Cli.ServiceTaskDefinitionAsync(Cluster, "api")).ShouldBe(original);
        Directory.Exists(Path.Combine(repository, "artifacts")).ShouldBeFalse("Plan writes no artifacts");
    }

    [Fact]
    public async Task Plan_with_bad_input_fails_clearly()
    {
        var run = await CakeHost.RunTargetAsync("Plan", For(localEcs.Url, Cluster, "api", "Not An Image", NewArtifacts()));

        run.Succeeded.ShouldBeFalse();
        run.ErrorMessage.ShouldContain("is not a valid image reference");
    }
}
