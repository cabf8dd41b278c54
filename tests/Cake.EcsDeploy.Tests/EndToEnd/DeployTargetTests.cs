using System.Text.Json.Nodes;
using Cake.EcsDeploy.Tests.Support;
using Shouldly;
using Xunit;

namespace Cake.EcsDeploy.Tests.EndToEnd;

/// <summary>
/// The whole task graph on Cake's engine against LocalEcs over HTTP; the AWS CLI checks the results independently.
/// </summary>
public class DeployTargetTests(LocalEcsServer localEcs) : IClassFixture<LocalEcsServer>
{
    private const string Cluster = "e2e";

    private Dictionary<string, string> Arguments(string service, string image, string artifacts, params (string, string)[] extra)
    {
        var arguments = new Dictionary<string, string>
        {
            ["cluster"] = Cluster,
            ["service"] = service,
            ["image"] = image,
            ["verify-url"] = $"{localEcs.Url}/lb/{Cluster}/{service}/leo",
            ["ecs-endpoint"] = localEcs.Url,
            ["artifacts"] = artifacts,
            ["poll-interval"] = "50ms",
            ["stability-timeout"] = "20s",
            ["verify-interval"] = "20ms",
            ["verify-retry-delay"] = "20ms",
            ["verify-deadline"] = "2s",
        };
        foreach (var (name, value) in extra)
        {
            arguments[name] = value;
        }

        return arguments;
    }

    private static string NewArtifacts() => Directory.CreateTempSubdirectory("ecs-deploy-e2e-").FullName;

    private async Task AssertBackupEqualsCliAsync(string artifacts, string arn)
    {
        var cli = (await localEcs.Cli.JsonAsync("ecs", "describe-task-definition", "--task-definition", arn, "--query", "taskDefinition"))!;
        var backup = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(artifacts, "task-definition.json.old")))!;
        JsonNode.DeepEquals(backup, cli).ShouldBeTrue($"backup:\n{backup}\ncli:\n{cli}");
    }

    [Fact]
    public async Task Deploy_of_a_healthy_image_switches_the_service_to_the_new_revision()
    {
        var original = await localEcs.Cli.SeedServiceAsync(Cluster, "healthy", "repo/api:1.0.0");
        var artifacts = NewArtifacts();

        var run = await CakeHost.RunTargetAsync("Deploy", Arguments("healthy", "repo/api:1.1.0", artifacts));

        run.Succeeded.ShouldBeTrue(run.Log);
        var now = await localEcs.Cli.ServiceTaskDefinitionAsync(Cluster, "healthy");
        now.ShouldNotBe(original);
        now.ShouldEndWith("task-definition/healthy:2");
        var deployed = (await localEcs.Cli.JsonAsync("ecs", "describe-task-definition", "--task-definition", now))!["taskDefinition"]!;
        deployed["containerDefinitions"]![0]!["image"]!.GetValue<string>().ShouldBe("repo/api:1.1.0");
        await AssertBackupEqualsCliAsync(artifacts, original);
        run.Log.ShouldContain("DEPLOYED");
        run.Log.ShouldContain("running 2/2");
    }

    [Fact]
    public async Task Deploy_of_an_unhealthy_image_fails_verification_and_rolls_back_to_the_previous_revision()
    {
        var original = await localEcs.Cli.SeedServiceAsync(Cluster, "unhealthy", "repo/api:1.0.0");
        var artifacts = NewArtifacts();

        var run = await CakeHost.RunTargetAsync("Deploy", Arguments("unhealthy", "repo/api:1.1.0-unhealthy", artifacts));

        run.Succeeded.ShouldBeFalse();
        run.ErrorMessage.ShouldContain("ROLLED BACK");
        run.ErrorMessage.ShouldContain(original);
        run.Log.ShouldContain("-> 503");
        (await localEcs.Cli.ServiceTaskDefinitionAsync(Cluster, "unhealthy")).ShouldBe(original);
        await AssertBackupEqualsCliAsync(artifacts, original);
    }

    [Fact]
    public async Task Deploy_of_a_crashing_image_times_out_and_rolls_back()
    {
        var original = await localEcs.Cli.SeedServiceAsync(Cluster, "crashing", "repo/api:1.0.0");

        var run = await CakeHost.RunTargetAsync("Deploy", Arguments("crashing", "repo/api:1.1.0-crash", NewArtifacts(), ("stability-timeout", "2s")));

        run.Succeeded.ShouldBeFalse();
        run.ErrorMessage.ShouldContain("ROLLED BACK");
        run.ErrorMessage.ShouldContain("did not finish within");
        run.Log.ShouldContain("Essential container in task exited");
        (await localEcs.Cli.ServiceTaskDefinitionAsync(Cluster, "crashing")).ShouldBe(original);
    }

    [Fact]
    public async Task A_circuit_breaker_rollback_by_ECS_is_a_failed_deployment_and_is_not_rolled_back_twice()
    {
        var original = await localEcs.Cli.SeedServiceAsync(Cluster, "breaker", "repo/api:1.0.0",
            deploymentConfiguration: "deploymentCircuitBreaker={enable=true,rollback=true},maximumPercent=200,minimumHealthyPercent=100");

        var run = await CakeHost.RunTargetAsync("Deploy", Arguments("breaker", "repo/api:1.1.0-crash", NewArtifacts()));

        run.Succeeded.ShouldBeFalse();
        run.ErrorMessage.ShouldContain("ROLLED BACK");
        run.Log.ShouldNotContain("DEPLOYED");
        run.Log.ShouldContain("ECS is already rolling back");
        (await localEcs.Cli.ServiceTaskDefinitionAsync(Cluster, "breaker")).ShouldBe(original);
    }

    public static TheoryData<string, string, string, string> BadInputs => new()
    {
        // name, argument, value, what the error must say
        { "no-image", "image", "", "--image=" },
        { "bad-image", "image", "Repo/API::1", "not a valid image reference" },
        { "bad-url", "verify-url", "leo", "--verify-url=leo" },
        { "bad-timeout", "stability-timeout", "forever", "--stability-timeout=forever" },
        { "unknown-container", "container", "web", "no container named 'web'" },
        { "unknown-service", "service", "nope", "nope" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Bad_input_fails_with_a_clear_message_and_changes_nothing_in_ECS(string name, string argument, string value, string expected)
    {
        var service = "bad-" + name;
        var original = await localEcs.Cli.SeedServiceAsync(Cluster, service, "repo/api:1.0.0");
        var arguments = Arguments(service, "repo/api:2.0.0", NewArtifacts());
        if (value.Length == 0)
        {
            arguments.Remove(argument);
        }
        else
        {
            arguments[argument] = value;
        }

        var run = await CakeHost.RunTargetAsync("Deploy", arguments);

        run.Succeeded.ShouldBeFalse();
        run.ErrorMessage.ShouldContain(expected);
        (await localEcs.Cli.RevisionCountAsync(service)).ShouldBe(1, "no revision may be registered");
        (await localEcs.Cli.ServiceTaskDefinitionAsync(Cluster, service)).ShouldBe(original);
        run.Log.ShouldNotContain("Registered ");
    }
}
