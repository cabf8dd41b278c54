using System.Text.Json.Nodes;
using LocalEcs.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace LocalEcs.Tests;

public sealed class RollingDeploymentTests(LocalEcsFixture ecs) : IClassFixture<LocalEcsFixture>
{
    [Fact]
    public async Task Create_service_reaches_a_steady_state_and_its_tasks_run()
    {
        await ecs.Aws.JsonAsync("create-cluster", "--cluster-name", "create");
        var v1 = await ecs.RegisterAsync("create-api", "shop/api:v1");

        var created = await ecs.Aws.JsonAsync(
            "create-service", "--cluster", "create", "--service-name", "api", "--task-definition", "create-api",
            "--desired-count", "2");
        var service = created["service"]!;
        service["serviceArn"]!.GetValue<string>().ShouldBe("arn:aws:ecs:us-east-1:000000000000:service/create/api");
        service["taskDefinition"]!.GetValue<string>().ShouldBe(v1);
        service["deploymentConfiguration"]!["maximumPercent"]!.GetValue<int>().ShouldBe(200);
        service["deploymentConfiguration"]!["minimumHealthyPercent"]!.GetValue<int>().ShouldBe(100);
        service["deploymentConfiguration"]!["deploymentCircuitBreaker"]!["enable"]!.GetValue<bool>().ShouldBeFalse();
        var deployment = service["deployments"]!.AsArray().ShouldHaveSingleItem()!;
        deployment["id"]!.GetValue<string>().ShouldMatch("^ecs-svc/[0-9]{19}$");
        deployment["rolloutState"]!.GetValue<string>().ShouldBe("IN_PROGRESS");

        var wait = await ecs.Aws.RunAsync("wait", "services-stable", "--cluster", "create", "--services", "api");
        wait.ExitCode.ShouldBe(0, wait.Stderr);

        var stable = (await ecs.Aws.JsonAsync("describe-services", "--cluster", "create", "--services", "api"))["services"]![0]!;
        stable["runningCount"]!.GetValue<int>().ShouldBe(2);
        stable["pendingCount"]!.GetValue<int>().ShouldBe(0);
        var completed = stable["deployments"]!.AsArray().ShouldHaveSingleItem()!;
        completed["rolloutState"]!.GetValue<string>().ShouldBe("COMPLETED");
        var deploymentId = completed["id"]!.GetValue<string>();
        completed["rolloutStateReason"]!.GetValue<string>().ShouldBe($"ECS deployment {deploymentId} completed.");
        Messages(stable)[0].ShouldBe("(service api) has reached a steady state.");
        Messages(stable).ShouldContain(m => m.StartsWith("(service api) has started 2 tasks: (task ", StringComparison.Ordinal));

        var listed = await ecs.Aws.JsonAsync("list-tasks", "--cluster", "create", "--service-name", "api");
        var arns = listed["taskArns"]!.AsArray().Select(a => a!.GetValue<string>()).ToArray();
        arns.Length.ShouldBe(2);
        arns.ShouldAllBe(a => System.Text.RegularExpressions.Regex.IsMatch(a, "^arn:aws:ecs:us-east-1:000000000000:task/create/[0-9a-f]{32}$"));

        var described = await ecs.Aws.JsonAsync(["describe-tasks", "--cluster", "create", "--tasks", .. arns]);
        foreach (var task in described["tasks"]!.AsArray())
        {
            task!["lastStatus"]!.GetValue<string>().ShouldBe("RUNNING");
            task["desiredStatus"]!.GetValue<string>().ShouldBe("RUNNING");
            task["group"]!.GetValue<string>().ShouldBe("service:api");
            task["startedBy"]!.GetValue<string>().ShouldBe(deploymentId);
            task["taskDefinitionArn"]!.GetValue<string>().ShouldBe(v1);
            task["startedAt"].ShouldNotBeNull();
            var container = task["containers"]!.AsArray().ShouldHaveSingleItem()!;
            container["image"]!.GetValue<string>().ShouldBe("shop/api:v1");
            container["lastStatus"]!.GetValue<string>().ShouldBe("RUNNING");
        }

        var missing = await ecs.Aws.JsonAsync("describe-tasks", "--cluster", "create", "--tasks", "0123456789abcdef0123456789abcdef");
        missing["failures"]![0]!["reason"]!.GetValue<string>().ShouldBe("MISSING");
    }

    [Fact]
    public async Task Update_service_rolls_out_the_new_revision_and_drains_the_old_one()
    {
        await ecs.CreateClusterAsync("roll");
        var v1 = await ecs.RegisterAsync("roll-api", "shop/api:v1");
        await ecs.Ecs.CallAsync("CreateService", new JsonObject
        {
            ["cluster"] = "roll", ["serviceName"] = "api", ["taskDefinition"] = v1, ["desiredCount"] = 2,
        });
        await Eventually.UntilAsync(() => ecs.Ecs.ServiceAsync("roll", "api"), s => s["runningCount"]!.GetValue<int>() == 2 && s["deployments"]!.AsArray().Count == 1 && (string?)s["deployments"]![0]!["rolloutState"] == "COMPLETED", "first deployment");
        var v2 = await ecs.RegisterAsync("roll-api", "shop/api:v2");

        var updated = (await ecs.Aws.JsonAsync("update-service", "--cluster", "roll", "--service", "api", "--task-definition", v2))["service"]!;
        var deployments = updated["deployments"]!.AsArray();
        deployments.Count.ShouldBe(2);
        deployments[0]!["status"]!.GetValue<string>().ShouldBe("PRIMARY");
        deployments[0]!["taskDefinition"]!.GetValue<string>().ShouldBe(v2);
        deployments[0]!["rolloutState"]!.GetValue<string>().ShouldBe("IN_PROGRESS");
        deployments[1]!["status"]!.GetValue<string>().ShouldBe("ACTIVE");
        deployments[1]!["taskDefinition"]!.GetValue<string>().ShouldBe(v1);
        updated["taskDefinition"]!.GetValue<string>().ShouldBe(v2);
        var newId = deployments[0]!["id"]!.GetValue<string>();

        var wait = await ecs.Aws.RunAsync("wait", "services-stable", "--cluster", "roll", "--services", "api");
        wait.ExitCode.ShouldBe(0, wait.Stderr);

        var service = await ecs.Ecs.ServiceAsync("roll", "api");
        var only = service["deployments"]!.AsArray().ShouldHaveSingleItem()!;
        only["id"]!.GetValue<string>().ShouldBe(newId);
        only["rolloutState"]!.GetValue<string>().ShouldBe("COMPLETED");
        Messages(service).ShouldContain($"(service api) (deployment {newId}) deployment completed.");
        Messages(service).ShouldContain(m => m.StartsWith("(service api) has stopped 2 running tasks: (task ", StringComparison.Ordinal));

        var running = await TaskDefinitionsOf("roll", "RUNNING");
        running.ShouldBe([v2, v2]);
        var stoppedArns = (await ecs.Aws.JsonAsync("list-tasks", "--cluster", "roll", "--service-name", "api", "--desired-status", "STOPPED"))["taskArns"]!
            .AsArray().Select(a => a!.GetValue<string>()).ToArray();
        stoppedArns.Length.ShouldBe(2);
        var stopped = (await ecs.Ecs.CallAsync("DescribeTasks", new JsonObject { ["cluster"] = "roll", ["tasks"] = new JsonArray(stoppedArns.Select(a => (JsonNode)a).ToArray()) }))["tasks"]!.AsArray();
        foreach (var task in stopped)
        {
            task!["lastStatus"]!.GetValue<string>().ShouldBe("STOPPED");
            task["taskDefinitionArn"]!.GetValue<string>().ShouldBe(v1);
            task["stopCode"]!.GetValue<string>().ShouldBe("ServiceSchedulerInitiated");
            task["stoppedReason"]!.GetValue<string>().ShouldBe($"Scaling activity initiated by (deployment {newId})");
            task["stoppedAt"].ShouldNotBeNull();
        }
    }

    [Fact]
    public async Task Scaling_and_force_new_deployment()
    {
        await ecs.CreateClusterAsync("scale");
        var v1 = await ecs.RegisterAsync("scale-api", "shop/api:v1");
        await ecs.Ecs.CallAsync("CreateService", new JsonObject
        {
            ["cluster"] = "scale", ["serviceName"] = "api", ["taskDefinition"] = v1, ["desiredCount"] = 1,
        });
        await StableAsync("scale", 1);

        var scaled = await ecs.Ecs.CallAsync("UpdateService", new JsonObject { ["cluster"] = "scale", ["service"] = "api", ["desiredCount"] = 3 });
        scaled["service"]!["deployments"]!.AsArray().Count.ShouldBe(1, "a count change is not a new deployment");
        await StableAsync("scale", 3);

        var forced = await ecs.Ecs.CallAsync("UpdateService", new JsonObject { ["cluster"] = "scale", ["service"] = "api", ["forceNewDeployment"] = true });
        forced["service"]!["deployments"]!.AsArray().Count.ShouldBe(2);
        await StableAsync("scale", 3);

        var noForce = await Should.ThrowAsync<InvalidOperationException>(
            () => ecs.Ecs.CallAsync("DeleteService", new JsonObject { ["cluster"] = "scale", ["service"] = "api" }));
        noForce.Message.ShouldContain("InvalidParameterException");

        var deleted = await ecs.Ecs.CallAsync("DeleteService", new JsonObject { ["cluster"] = "scale", ["service"] = "api", ["force"] = true });
        deleted["service"]!["status"]!.GetValue<string>().ShouldBe("DRAINING");
        await Eventually.UntilAsync(() => ecs.Ecs.ServiceAsync("scale", "api"), s => (string?)s["status"] == "INACTIVE", "service inactive");
        var services = await ecs.Ecs.CallAsync("ListServices", new JsonObject { ["cluster"] = "scale" });
        services["serviceArns"]!.AsArray().Count.ShouldBe(0);
    }

    private Task<JsonObject> StableAsync(string cluster, int count) =>
        Eventually.UntilAsync(
            () => ecs.Ecs.ServiceAsync(cluster, "api"),
            s => s["runningCount"]!.GetValue<int>() == count && s["deployments"]!.AsArray().Count == 1
                && (string?)s["deployments"]![0]!["rolloutState"] == "COMPLETED" && (string?)s["events"]![0]!["message"] == "(service api) has reached a steady state.",
            $"{count} running tasks in {cluster}");

    private async Task<string[]> TaskDefinitionsOf(string cluster, string desiredStatus)
    {
        var arns = (await ecs.Ecs.CallAsync("ListTasks", new JsonObject { ["cluster"] = cluster, ["serviceName"] = "api", ["desiredStatus"] = desiredStatus }))["taskArns"]!.AsArray();
        if (arns.Count == 0)
        {
            return [];
        }

        var tasks = await ecs.Ecs.CallAsync("DescribeTasks", new JsonObject { ["cluster"] = cluster, ["tasks"] = arns.DeepClone() });
        return tasks["tasks"]!.AsArray().Select(t => t!["taskDefinitionArn"]!.GetValue<string>()).ToArray();
    }

    internal static List<string> Messages(JsonNode service) =>
        service["events"]!.AsArray().Select(e => e!["message"]!.GetValue<string>()).ToList();
}
