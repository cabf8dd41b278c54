using System.Diagnostics;
using System.Text.Json.Nodes;
using Cake.EcsDeploy.Tests.Support;
using Shouldly;
using Xunit;

namespace Cake.EcsDeploy.Tests.EndToEnd;

/// <summary>
/// The AWS CLI, an independent client with botocore's own waiters and parsers, looks at LocalEcs right after our Deploy
/// target reported success: what it sees must be a finished deployment, with nothing left for ECS to do.
/// </summary>
public class AwsCliAfterDeployTests(LocalEcsServer localEcs) : IClassFixture<LocalEcsServer>
{
    private const string Cluster = "cli-after";
    /// <summary>
    /// Seeds a service on repo/api:1.0.0 (two tasks) and deploys repo/api:1.1.0 with the Deploy target; returns the
    /// original and the new revision's ARNs.
    /// </summary>
    private async Task<(string Original, string Deployed)> DeployAsync(string service)
    {
        var original = await localEcs.Cli.SeedServiceAsync(Cluster, service, "repo/api:1.0.0");
        var run = await CakeHost.RunTargetAsync("Deploy", new Dictionary<string, string>
        {
            ["cluster"] = Cluster,
            ["service"] = service,
            ["image"] = "repo/api:1.1.0",
            ["verify-url"] = $"{localEcs.Url}/lb/{Cluster}/{service}/leo",
            ["ecs-endpoint"] = localEcs.Url,
            ["artifacts"] = Directory.CreateTempSubdirectory("ecs-deploy-cli-after-").FullName,
            ["poll-interval"] = "50ms",
            ["stability-timeout"] = "20s",
            ["verify-interval"] = "20ms",
            ["verify-retry-delay"] = "20ms",
            ["verify-deadline"] = "2s",
        });
        run.Succeeded.ShouldBeTrue(run.Log);
        run.Log.ShouldContain("DEPLOYED");
        var deployed = await localEcs.Cli.ServiceTaskDefinitionAsync(Cluster, service);
        deployed.ShouldNotBe(original);
        return (original, deployed);
    }

    [Fact]
    public async Task After_a_healthy_Deploy_the_CLI_services_stable_waiter_succeeds_on_its_first_check()
    {
        const string service = "waited";
        await DeployAsync(service);

        var clock = Stopwatch.StartNew();
        var wait = await localEcs.Cli.RunAsync("ecs", "wait", "services-stable", "--cluster", Cluster, "--services", service);
        clock.Stop();

        wait.ExitCode.ShouldBe(0, wait.Output);
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10),
            "botocore's services-stable waiter sleeps 15 s before a second check, so it must have passed its first one");
    }

    [Fact]
    public async Task After_a_healthy_Deploy_describe_services_shows_one_COMPLETED_deployment_of_the_new_revision()
    {
        const string service = "described";
        var (original, deployed) = await DeployAsync(service);

        var result = (await localEcs.Cli.JsonAsync("ecs", "describe-services", "--cluster", Cluster, "--services", service))!;

        result["failures"]!.AsArray().ShouldBeEmpty();
        var described = result["services"]!.AsArray().ShouldHaveSingleItem()!;
        described["status"]!.GetValue<string>().ShouldBe("ACTIVE");
        described["taskDefinition"]!.GetValue<string>().ShouldBe(deployed);
        described["taskDefinition"]!.GetValue<string>().ShouldNotBe(original);
        described["runningCount"]!.GetValue<int>().ShouldBe(described["desiredCount"]!.GetValue<int>());
        described["pendingCount"]!.GetValue<int>().ShouldBe(0);
        var deployment = described["deployments"]!.AsArray().ShouldHaveSingleItem()!;
        deployment["status"]!.GetValue<string>().ShouldBe("PRIMARY");
        deployment["rolloutState"]!.GetValue<string>().ShouldBe("COMPLETED");
        deployment["taskDefinition"]!.GetValue<string>().ShouldBe(deployed);
        deployment["runningCount"]!.GetValue<int>().ShouldBe(2);
        deployment["desiredCount"]!.GetValue<int>().ShouldBe(2);
        deployment["failedTasks"]!.GetValue<int>().ShouldBe(0);
    }

    [Fact]
    public async Task After_a_healthy_Deploy_list_tasks_and_describe_tasks_show_only_RUNNING_tasks_of_the_new_revision()
    {
        const string service = "listed";
        var (original, deployed) = await DeployAsync(service);

        var arns = (await localEcs.Cli.JsonAsync("ecs", "list-tasks", "--cluster", Cluster, "--service-name", service))!["taskArns"]!
            .AsArray().Select(a => a!.GetValue<string>()).ToArray();
        arns.Length.ShouldBe(2);
        var described = (await localEcs.Cli.JsonAsync(["ecs", "describe-tasks", "--cluster", Cluster, "--tasks", .. arns]))!;

        described["failures"]!.AsArray().ShouldBeEmpty();
        var tasks = described["tasks"]!.AsArray();
        tasks.Count.ShouldBe(2);
        foreach (var task in tasks)
        {
            task!["taskDefinitionArn"]!.GetValue<string>().ShouldBe(deployed);
            task["taskDefinitionArn"]!.GetValue<string>().ShouldNotBe(original);
            task["lastStatus"]!.GetValue<string>().ShouldBe("RUNNING");
            task["desiredStatus"]!.GetValue<string>().ShouldBe("RUNNING");
            task["containers"]!.AsArray().ShouldAllBe(c => c!["image"]!.GetValue<string>() == "repo/api:1.1.0" && c["lastStatus"]!.GetValue<string>() == "RUNNING");
        }

        // The old revision's tasks are on their way out: none of them is still RUNNING.
        var stopping = (await localEcs.Cli.JsonAsync("ecs", "list-tasks", "--cluster", Cluster, "--service-name", service, "--desired-status", "STOPPED"))!["taskArns"]!
            .AsArray().Select(a => a!.GetValue<string>()).ToArray();
        stopping.ShouldNotBeEmpty("the two tasks of the original revision were stopped");
        var old = (await localEcs.Cli.JsonAsync(["ecs", "describe-tasks", "--cluster", Cluster, "--tasks", .. stopping]))!["tasks"]!.AsArray();
        old.ShouldAllBe(t => t!["taskDefinitionArn"]!.GetValue<string>() == original && t["lastStatus"]!.GetValue<string>() != "RUNNING");
    }
}
