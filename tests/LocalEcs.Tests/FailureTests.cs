using System.Text.Json.Nodes;
using LocalEcs.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace LocalEcs.Tests;

public sealed class FailureTests(LocalEcsFixture ecs) : IClassFixture<LocalEcsFixture>
{
    [Fact]
    public async Task Crashing_revision_trips_the_circuit_breaker_and_rolls_back()
    {
        await ecs.CreateClusterAsync("breaker");
        var good = await ecs.RegisterAsync("breaker-api", "shop/api:v1");
        await ecs.Aws.JsonAsync(
            "create-service", "--cluster", "breaker", "--service-name", "api", "--task-definition", good, "--desired-count", "1",
            "--deployment-configuration", "deploymentCircuitBreaker={enable=true,rollback=true},maximumPercent=200,minimumHealthyPercent=100");
        var first = await ecs.Aws.RunAsync("wait", "services-stable", "--cluster", "breaker", "--services", "api");
        first.ExitCode.ShouldBe(0, first.Stderr);
        var bad = await ecs.RegisterAsync("breaker-api", "shop/api:crash");

        var updated = (await ecs.Aws.JsonAsync("update-service", "--cluster", "breaker", "--service", "api", "--task-definition", bad))["service"]!;
        var failedId = updated["deployments"]![0]!["id"]!.GetValue<string>();

        var failing = await Eventually.UntilAsync(
            () => ecs.Ecs.ServiceAsync("breaker", "api"),
            s => s["deployments"]!.AsArray().Any(d => (string?)d!["rolloutState"] == "FAILED"),
            "a FAILED deployment");
        var failed = failing["deployments"]!.AsArray().Single(d => (string?)d!["id"] == failedId)!;
        failed["rolloutState"]!.GetValue<string>().ShouldBe("FAILED");
        failed["rolloutStateReason"]!.GetValue<string>().ShouldBe("ECS deployment circuit breaker: tasks failed to start.");
        failed["failedTasks"]!.GetValue<int>().ShouldBeGreaterThanOrEqualTo(3);

        var wait = await ecs.Aws.RunAsync("wait", "services-stable", "--cluster", "breaker", "--services", "api");
        wait.ExitCode.ShouldBe(0, wait.Stderr);
        var service = await ecs.Ecs.ServiceAsync("breaker", "api");
        service["taskDefinition"]!.GetValue<string>().ShouldBe(good);
        var messages = RollingDeploymentTests.Messages(service);
        messages.ShouldContain($"(service api) (deployment {failedId}) deployment failed: tasks failed to start.");
        messages.ShouldContain(m => m.StartsWith("(service api) rolling back to deployment ecs-svc/", StringComparison.Ordinal));

        var crashed = (await ecs.Ecs.CallAsync("ListTasks", new JsonObject { ["cluster"] = "breaker", ["desiredStatus"] = "STOPPED" }))["taskArns"]!.AsArray();
        var tasks = (await ecs.Ecs.CallAsync("DescribeTasks", new JsonObject { ["cluster"] = "breaker", ["tasks"] = crashed.DeepClone() }))["tasks"]!.AsArray();
        var task = tasks.First(t => (string?)t!["taskDefinitionArn"] == bad)!;
        task["stopCode"]!.GetValue<string>().ShouldBe("EssentialContainerExited");
        task["stoppedReason"]!.GetValue<string>().ShouldBe("Essential container in task exited");
        task["containers"]![0]!["exitCode"]!.GetValue<int>().ShouldBe(1);
        task.AsObject().ContainsKey("startedAt").ShouldBeFalse();
    }

    [Fact]
    public async Task Crashing_revision_without_breaker_keeps_retrying()
    {
        await ecs.CreateClusterAsync("retry");
        var bad = await ecs.RegisterAsync("retry-api", "shop/crash-loop:1");
        await ecs.Aws.JsonAsync("create-service", "--cluster", "retry", "--service-name", "api", "--task-definition", bad, "--desired-count", "1");

        var early = await Eventually.UntilAsync(
            () => ecs.Ecs.ServiceAsync("retry", "api"),
            s => s["deployments"]![0]!["failedTasks"]!.GetValue<int>() >= 3,
            "three failed tasks");
        var later = await Eventually.UntilAsync(
            () => ecs.Ecs.ServiceAsync("retry", "api"),
            s => s["deployments"]![0]!["failedTasks"]!.GetValue<int>() > early["deployments"]![0]!["failedTasks"]!.GetValue<int>() + 1,
            "more failed tasks");
        later["deployments"]![0]!["rolloutState"]!.GetValue<string>().ShouldBe("IN_PROGRESS");
        later["runningCount"]!.GetValue<int>().ShouldBe(0);
    }

    [Fact]
    public async Task Errors_have_ecs_types_and_messages()
    {
        var noCluster = await ecs.Aws.RunAsync("describe-services", "--cluster", "nowhere", "--services", "api");
        noCluster.ExitCode.ShouldNotBe(0);
        noCluster.Stderr.ShouldContain("ClusterNotFoundException");
        noCluster.Stderr.ShouldContain("Cluster not found.");

        await ecs.CreateClusterAsync("errors");
        var v1 = await ecs.RegisterAsync("errors-api", "shop/api:v1");
        var v2 = await ecs.RegisterAsync("errors-api", "shop/api:v2");
        await ecs.Ecs.CallAsync("CreateService", new JsonObject { ["cluster"] = "errors", ["serviceName"] = "api", ["taskDefinition"] = v1, ["desiredCount"] = 1 });
        await ecs.Aws.JsonAsync("deregister-task-definition", "--task-definition", v2);

        var inactive = await ecs.Aws.RunAsync("update-service", "--cluster", "errors", "--service", "api", "--task-definition", v2);
        inactive.ExitCode.ShouldNotBe(0);
        inactive.Stderr.ShouldContain("ClientException");
        inactive.Stderr.ShouldContain("TaskDefinition is inactive");

        var noService = await ecs.Aws.RunAsync("update-service", "--cluster", "errors", "--service", "ghost", "--desired-count", "1");
        noService.ExitCode.ShouldNotBe(0);
        noService.Stderr.ShouldContain("ServiceNotFoundException");

        var missing = await ecs.Aws.JsonAsync("describe-services", "--cluster", "errors", "--services", "ghost");
        missing["services"]!.AsArray().Count.ShouldBe(0);
        missing["failures"]![0]!["reason"]!.GetValue<string>().ShouldBe("MISSING");
        missing["failures"]![0]!["arn"]!.GetValue<string>().ShouldBe("arn:aws:ecs:us-east-1:000000000000:service/errors/ghost");

        var duplicate = await ecs.Ecs.SendAsync("CreateService", new JsonObject { ["cluster"] = "errors", ["serviceName"] = "api", ["taskDefinition"] = v1 });
        duplicate.Status.ShouldBe(400);
        duplicate.Body["__type"]!.GetValue<string>().ShouldBe("InvalidParameterException");
        duplicate.Body["message"]!.GetValue<string>().ShouldBe("Creation of service was not idempotent.");
    }
}
