using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using EcsModel;
using LocalEcs.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace LocalEcs.Tests;

/// <summary>
/// botocore's ECS model referees LocalEcs over raw HTTP: every successful response must fit the operation's output
/// shape, every error must be one the operation declares (or a common AWS error) with a message. The scenarios are
/// realistic, so the responses carry what a deploy sees: rolling updates mid-flight, circuit-breaker failures,
/// stopped tasks, deregistered revisions and deleted services.
/// </summary>
public sealed class ResponsesMatchBotocoreTests(LocalEcsFixture ecs) : IClassFixture<LocalEcsFixture>
{
    private static readonly BotocoreEcsModel Model = BotocoreEcsModel.LoadInstalled();

    /// <summary>Every operation LocalEcs implements (src/LocalEcs/Api/EcsProtocol.cs).</summary>
    private static readonly string[] ImplementedOperations =
    [
        "CreateCluster", "DescribeClusters", "ListClusters",
        "RegisterTaskDefinition", "DescribeTaskDefinition", "DeregisterTaskDefinition", "ListTaskDefinitions", "ListTaskDefinitionFamilies",
        "CreateService", "UpdateService", "DescribeServices", "ListServices", "DeleteService",
        "ListTasks", "DescribeTasks",
        "TagResource", "UntagResource", "ListTagsForResource",
    ];

    private static readonly ConditionalWeakTable<LocalEcsFixture, Task<ErrorScene>> ErrorScenes = new();

    private readonly HashSet<string> _answered = new(StringComparer.Ordinal);

    // ---------------------------------------------------------------- the one validation helper

    /// <summary>A 200 body must fit the operation's output shape; any other status is an error the operation declares.</summary>
    private static void AssertValid(string operation, int status, string responseJson)
    {
        var violations = status == 200 ? Model.ValidateResponse(operation, responseJson) : Model.ValidateError(operation, responseJson);
        violations.ShouldBeEmpty(
            $"{operation} ({status}) departs from botocore's model:\n  {string.Join("\n  ", violations)}\nbody: {responseJson}");
    }

    // ---------------------------------------------------------------- scenarios

    [Fact]
    public async Task Every_operation_LocalEcs_implements_answers_a_cluster_service_and_task_lifecycle_with_its_output_shape()
    {
        ImplementedOperations.ShouldBeSubsetOf(Model.OperationNames);

        await CallAsync("CreateCluster", Json("""
            { "clusterName": "life", "tags": [{ "key": "env", "value": "test" }],
              "settings": [{ "name": "containerInsights", "value": "enabled" }] }
            """));
        await CallAsync("CreateCluster", Json("""{ "clusterName": "life-2" }"""));
        await CallAsync("DescribeClusters", Json("""{ "clusters": ["life", "life-missing"], "include": ["TAGS", "SETTINGS"] }"""));
        await CallAsync("DescribeClusters", Json("{}"));
        var firstPage = await CallAsync("ListClusters", Json("""{ "maxResults": 1 }"""));
        await CallAsync("ListClusters", new JsonObject { ["nextToken"] = firstPage["nextToken"]!.GetValue<string>() });

        var v1 = Arn(await CallAsync("RegisterTaskDefinition", RichTaskDefinition("life-api", "shop/api:v1")));
        var v2 = Arn(await CallAsync("RegisterTaskDefinition", RichTaskDefinition("life-api", "shop/api:v2")));
        await CallAsync("RegisterTaskDefinition", Json("""
            { "family": "life-worker", "networkMode": "bridge",
              "containerDefinitions": [{ "name": "worker", "image": "shop/worker:1", "memory": 256, "essential": true,
                                         "portMappings": [{ "containerPort": 80, "hostPort": 0 }] }] }
            """));
        await CallAsync("DescribeTaskDefinition", Json("""{ "taskDefinition": "life-api", "include": ["TAGS"] }"""));
        await CallAsync("DescribeTaskDefinition", new JsonObject { ["taskDefinition"] = v1 });
        await CallAsync("ListTaskDefinitions", Json("""{ "familyPrefix": "life-api", "sort": "DESC", "maxResults": 1 }"""));
        await CallAsync("ListTaskDefinitions", Json("{}"));
        await CallAsync("ListTaskDefinitionFamilies", Json("""{ "familyPrefix": "life", "status": "ALL" }"""));

        var service = (await CallAsync("CreateService", Json($$"""
            {
              "cluster": "life", "serviceName": "api", "taskDefinition": "{{v1}}", "desiredCount": 2,
              "launchType": "FARGATE", "platformVersion": "LATEST", "schedulingStrategy": "REPLICA",
              "deploymentController": { "type": "ECS" },
              "deploymentConfiguration": {
                "deploymentCircuitBreaker": { "enable": true, "rollback": true },
                "maximumPercent": 200, "minimumHealthyPercent": 100,
                "alarms": { "alarmNames": [], "enable": false, "rollback": false }
              },
              "networkConfiguration": { "awsvpcConfiguration": { "subnets": ["subnet-0123456789abcdef0"],
                                                                 "securityGroups": ["sg-0123456789abcdef0"],
                                                                 "assignPublicIp": "DISABLED" } },
              "enableECSManagedTags": true, "propagateTags": "SERVICE", "enableExecuteCommand": false,
              "tags": [{ "key": "team", "value": "payments" }]
            }
            """)))["service"]!;
        await CallAsync("CreateService", Json($$"""{ "cluster": "life", "serviceName": "worker", "taskDefinition": "life-worker", "desiredCount": 1 }"""));
        await CallAsync("DescribeServices", Json("""{ "cluster": "life", "services": ["api", "ghost"], "include": ["TAGS"] }"""));
        await CallAsync("ListServices", Json("""{ "cluster": "life", "launchType": "FARGATE" }"""));
        await CallAsync("ListServices", Json("""{ "cluster": "life", "maxResults": 1 }"""));
        await WaitSettledAsync("life", "api", v1);

        var running = (await CallAsync("ListTasks", Json("""{ "cluster": "life", "serviceName": "api" }""")))["taskArns"]!.AsArray();
        running.Count.ShouldBe(2);
        await CallAsync("ListTasks", Json("""{ "cluster": "life", "family": "life-api", "launchType": "FARGATE", "maxResults": 1 }"""));
        await CallAsync("DescribeTasks", new JsonObject
        {
            ["cluster"] = "life",
            ["tasks"] = new JsonArray([.. running.Select(a => a!.DeepClone()), JsonValue.Create("0123456789abcdef0123456789abcdef")]),
            ["include"] = new JsonArray("TAGS"),
        });

        var serviceArn = service["serviceArn"]!.GetValue<string>();
        await CallAsync("TagResource", new JsonObject { ["resourceArn"] = serviceArn, ["tags"] = JsonNode.Parse("""[{ "key": "tier", "value": "web" }]""") });
        await CallAsync("UntagResource", new JsonObject { ["resourceArn"] = serviceArn, ["tagKeys"] = new JsonArray("team") });
        await CallAsync("ListTagsForResource", new JsonObject { ["resourceArn"] = serviceArn });
        await CallAsync("ListTagsForResource", new JsonObject { ["resourceArn"] = "arn:aws:ecs:us-east-1:000000000000:cluster/life" });
        await CallAsync("ListTagsForResource", new JsonObject { ["resourceArn"] = v1 });

        await CallAsync("UpdateService", Json("""{ "cluster": "life", "service": "api", "desiredCount": 3, "forceNewDeployment": true }"""));
        await CallAsync("UpdateService", Json($$"""
            { "cluster": "life", "service": "api", "taskDefinition": "{{v2}}", "platformVersion": "1.4.0",
              "networkConfiguration": { "awsvpcConfiguration": { "subnets": ["subnet-0123456789abcdef1"], "assignPublicIp": "ENABLED" } } }
            """));
        await WaitSettledAsync("life", "api", v2);
        await CallAsync("DeregisterTaskDefinition", new JsonObject { ["taskDefinition"] = v1 });
        await CallAsync("DeleteService", Json("""{ "cluster": "life", "service": "api", "force": true }"""));

        _answered.ShouldBe(ImplementedOperations, ignoreOrder: true);
    }

    [Fact]
    public async Task Responses_during_a_rolling_update_fit_the_output_shape_with_two_deployments_and_pending_running_and_stopped_tasks()
    {
        await CallAsync("CreateCluster", Json("""{ "clusterName": "rolling" }"""));
        var v1 = Arn(await CallAsync("RegisterTaskDefinition", SimpleTaskDefinition("rolling-api", "shop/api:v1")));
        // One task at a time (125 % of 4), so the rollout passes through several PENDING windows.
        await CallAsync("CreateService", Json($$"""
            { "cluster": "rolling", "serviceName": "api", "taskDefinition": "{{v1}}", "desiredCount": 4,
              "deploymentConfiguration": { "maximumPercent": 125, "minimumHealthyPercent": 100 } }
            """));
        await WaitSettledAsync("rolling", "api", v1);
        var v2 = Arn(await CallAsync("RegisterTaskDefinition", SimpleTaskDefinition("rolling-api", "shop/api:v2")));

        var updated = (await CallAsync("UpdateService", Json($$"""{ "cluster": "rolling", "service": "api", "taskDefinition": "{{v2}}" }""")))["service"]!;

        updated["deployments"]!.AsArray().Count.ShouldBe(2, "the update response shows the new PRIMARY beside the old ACTIVE deployment");
        var seen = await WatchUntilSettledAsync("rolling", "api", v2);
        seen.DeploymentStatuses.ShouldBe(["ACTIVE", "PRIMARY"], ignoreOrder: true);
        seen.MostDeployments.ShouldBe(2);
        seen.RolloutStates.ShouldContain("IN_PROGRESS");
        seen.RolloutStates.ShouldContain("COMPLETED");
        seen.TaskStatuses.ShouldContain("PENDING");
        seen.TaskStatuses.ShouldContain("RUNNING");
        seen.TaskStatuses.ShouldContain("STOPPED");
        seen.StopCodes.ShouldContain("ServiceSchedulerInitiated");
    }

    [Fact]
    public async Task Responses_of_a_crashing_rollout_fit_the_output_shape_when_the_circuit_breaker_fails_it_and_rolls_back()
    {
        await CallAsync("CreateCluster", Json("""{ "clusterName": "crash" }"""));
        var good = Arn(await CallAsync("RegisterTaskDefinition", SimpleTaskDefinition("crash-api", "shop/api:v1")));
        await CallAsync("CreateService", Json($$"""
            { "cluster": "crash", "serviceName": "api", "taskDefinition": "{{good}}", "desiredCount": 1,
              "deploymentConfiguration": { "deploymentCircuitBreaker": { "enable": true, "rollback": true }, "maximumPercent": 200, "minimumHealthyPercent": 100 } }
            """));
        await WaitSettledAsync("crash", "api", good);
        var bad = Arn(await CallAsync("RegisterTaskDefinition", SimpleTaskDefinition("crash-api", "shop/api:crash")));

        await CallAsync("UpdateService", Json($$"""{ "cluster": "crash", "service": "api", "taskDefinition": "{{bad}}" }"""));

        var seen = await WatchUntilSettledAsync("crash", "api", good, until: s => s.RolloutStates.Contains("FAILED"));
        seen.RolloutStates.ShouldContain("FAILED");
        seen.StopCodes.ShouldContain("EssentialContainerExited");
        seen.ExitCodes.ShouldContain(1);
        seen.TaskStatuses.ShouldContain("STOPPED");
    }

    [Fact]
    public async Task Deregistered_INACTIVE_revisions_and_a_deleted_service_fit_the_output_shape()
    {
        await CallAsync("CreateCluster", Json("""{ "clusterName": "retired" }"""));
        var v1 = Arn(await CallAsync("RegisterTaskDefinition", SimpleTaskDefinition("retired-api", "shop/api:v1")));
        var v2 = Arn(await CallAsync("RegisterTaskDefinition", SimpleTaskDefinition("retired-api", "shop/api:v2")));
        var old = Arn(await CallAsync("RegisterTaskDefinition", SimpleTaskDefinition("retired-old", "shop/old:v1")));

        var deregistered = (await CallAsync("DeregisterTaskDefinition", new JsonObject { ["taskDefinition"] = v1 }))["taskDefinition"]!;
        deregistered["status"]!.GetValue<string>().ShouldBe("INACTIVE");
        deregistered["deregisteredAt"].ShouldNotBeNull();
        await CallAsync("DeregisterTaskDefinition", new JsonObject { ["taskDefinition"] = v1 });
        await CallAsync("DeregisterTaskDefinition", new JsonObject { ["taskDefinition"] = old });
        (await CallAsync("DescribeTaskDefinition", new JsonObject { ["taskDefinition"] = v1, ["include"] = new JsonArray("TAGS") }))
            ["taskDefinition"]!["status"]!.GetValue<string>().ShouldBe("INACTIVE");
        (await CallAsync("ListTaskDefinitions", Json("""{ "familyPrefix": "retired-api", "status": "INACTIVE" }""")))["taskDefinitionArns"]!
            .AsArray().Select(a => a!.GetValue<string>()).ShouldBe([v1]);
        (await CallAsync("ListTaskDefinitionFamilies", Json("""{ "familyPrefix": "retired", "status": "INACTIVE" }""")))["families"]!
            .AsArray().Select(a => a!.GetValue<string>()).ShouldBe(["retired-old"]);

        await CallAsync("CreateService", Json($$"""{ "cluster": "retired", "serviceName": "api", "taskDefinition": "{{v2}}", "desiredCount": 1 }"""));
        await WaitSettledAsync("retired", "api", v2);
        var draining = (await CallAsync("DeleteService", Json("""{ "cluster": "retired", "service": "api", "force": true }""")))["service"]!;
        draining["status"]!.GetValue<string>().ShouldBe("DRAINING");
        var inactive = await Eventually.UntilAsync(
            async () => (await CallAsync("DescribeServices", Json("""{ "cluster": "retired", "services": ["api"] }""")))["services"]![0]!,
            s => (string?)s["status"] == "INACTIVE",
            "the deleted service to turn INACTIVE");
        inactive["desiredCount"]!.GetValue<int>().ShouldBe(0);
        (await CallAsync("ListTasks", Json("""{ "cluster": "retired", "desiredStatus": "STOPPED" }""")))["taskArns"]!.AsArray().ShouldNotBeEmpty();
        (await CallAsync("ListServices", Json("""{ "cluster": "retired" }""")))["serviceArns"]!.AsArray().ShouldBeEmpty();
    }

    // ---------------------------------------------------------------- errors

    public static TheoryData<string, string, string, string> Errors => new()
    {
        // case, operation, request body ({v1} active revision, {v2} deregistered revision), expected __type
        { "missing cluster", "DescribeServices", """{ "cluster": "nowhere", "services": ["api"] }""", "ClusterNotFoundException" },
        { "missing cluster", "ListServices", """{ "cluster": "nowhere" }""", "ClusterNotFoundException" },
        { "missing cluster", "CreateService", """{ "cluster": "nowhere", "serviceName": "api", "taskDefinition": "{v1}" }""", "ClusterNotFoundException" },
        { "missing cluster", "UpdateService", """{ "cluster": "nowhere", "service": "api", "desiredCount": 1 }""", "ClusterNotFoundException" },
        { "missing cluster", "DeleteService", """{ "cluster": "nowhere", "service": "api" }""", "ClusterNotFoundException" },
        { "missing cluster", "ListTasks", """{ "cluster": "nowhere" }""", "ClusterNotFoundException" },
        { "missing cluster", "DescribeTasks", """{ "cluster": "nowhere", "tasks": ["0123456789abcdef0123456789abcdef"] }""", "ClusterNotFoundException" },
        { "missing cluster", "TagResource", """{ "resourceArn": "arn:aws:ecs:us-east-1:000000000000:cluster/nowhere", "tags": [{ "key": "a", "value": "b" }] }""", "ClusterNotFoundException" },
        { "missing cluster", "UntagResource", """{ "resourceArn": "arn:aws:ecs:us-east-1:000000000000:cluster/nowhere", "tagKeys": ["a"] }""", "ClusterNotFoundException" },
        { "missing cluster", "ListTagsForResource", """{ "resourceArn": "arn:aws:ecs:us-east-1:000000000000:cluster/nowhere" }""", "ClusterNotFoundException" },
        { "missing service", "UpdateService", """{ "cluster": "errs", "service": "ghost", "desiredCount": 1 }""", "ServiceNotFoundException" },
        { "missing service", "DeleteService", """{ "cluster": "errs", "service": "ghost" }""", "ServiceNotFoundException" },
        { "missing service", "ListTasks", """{ "cluster": "errs", "serviceName": "ghost" }""", "ServiceNotFoundException" },
        { "missing service", "TagResource", """{ "resourceArn": "arn:aws:ecs:us-east-1:000000000000:service/errs/ghost", "tags": [{ "key": "a", "value": "b" }] }""", "InvalidParameterException" },
        { "missing service", "UntagResource", """{ "resourceArn": "arn:aws:ecs:us-east-1:000000000000:service/errs/ghost", "tagKeys": ["a"] }""", "InvalidParameterException" },
        { "missing service", "ListTagsForResource", """{ "resourceArn": "arn:aws:ecs:us-east-1:000000000000:service/errs/ghost" }""", "InvalidParameterException" },
        { "deleted service", "UpdateService", """{ "cluster": "errs", "service": "gone", "desiredCount": 1 }""", "ServiceNotActiveException" },
        { "duplicate service", "CreateService", """{ "cluster": "errs", "serviceName": "api", "taskDefinition": "{v1}" }""", "InvalidParameterException" },
        { "unknown revision", "CreateService", """{ "cluster": "errs", "serviceName": "new", "taskDefinition": "errs-missing:1" }""", "InvalidParameterException" },
        { "negative count", "CreateService", """{ "cluster": "errs", "serviceName": "new", "taskDefinition": "{v1}", "desiredCount": -1 }""", "InvalidParameterException" },
        { "bad percentages", "CreateService", """{ "cluster": "errs", "serviceName": "new", "taskDefinition": "{v1}", "deploymentConfiguration": { "minimumHealthyPercent": 150 } }""", "InvalidParameterException" },
        { "no service name", "CreateService", """{ "cluster": "errs", "taskDefinition": "{v1}" }""", "InvalidParameterException" },
        { "negative count", "UpdateService", """{ "cluster": "errs", "service": "api", "desiredCount": -1 }""", "InvalidParameterException" },
        { "scaled above 0", "DeleteService", """{ "cluster": "errs", "service": "api" }""", "InvalidParameterException" },
        { "no services", "DescribeServices", """{ "cluster": "errs", "services": [] }""", "InvalidParameterException" },
        { "eleven services", "DescribeServices", """{ "cluster": "errs", "services": ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"] }""", "InvalidParameterException" },
        { "no tasks", "DescribeTasks", """{ "cluster": "errs", "tasks": [] }""", "InvalidParameterException" },
        { "maxResults 0", "ListClusters", """{ "maxResults": 0 }""", "InvalidParameterException" },
        { "maxResults 101", "ListServices", """{ "cluster": "errs", "maxResults": 101 }""", "InvalidParameterException" },
        { "bad nextToken", "ListTaskDefinitions", """{ "nextToken": "not a token!" }""", "InvalidParameterException" },
        { "bad nextToken", "ListTaskDefinitionFamilies", """{ "nextToken": "not a token!" }""", "InvalidParameterException" },
        { "bad nextToken", "ListTasks", """{ "cluster": "errs", "nextToken": "not a token!" }""", "InvalidParameterException" },
        { "no family", "RegisterTaskDefinition", """{ "containerDefinitions": [{ "name": "app", "image": "shop/api:v1" }] }""", "InvalidParameterException" },
        { "no containers", "RegisterTaskDefinition", """{ "family": "errs-api", "containerDefinitions": [] }""", "InvalidParameterException" },
        { "no image", "RegisterTaskDefinition", """{ "family": "errs-api", "containerDefinitions": [{ "name": "app" }] }""", "InvalidParameterException" },
        { "not an ARN", "TagResource", """{ "resourceArn": "not-an-arn", "tags": [{ "key": "a", "value": "b" }] }""", "InvalidParameterException" },
        { "inactive revision", "UpdateService", """{ "cluster": "errs", "service": "api", "taskDefinition": "{v2}" }""", "ClientException" },
        { "inactive revision", "CreateService", """{ "cluster": "errs", "serviceName": "new", "taskDefinition": "{v2}" }""", "ClientException" },
        { "unknown revision", "DescribeTaskDefinition", """{ "taskDefinition": "errs-api:99" }""", "ClientException" },
        { "bad family", "RegisterTaskDefinition", """{ "family": "bad family!", "containerDefinitions": [{ "name": "app", "image": "shop/api:v1" }] }""", "ClientException" },
        { "Fargate on bridge", "RegisterTaskDefinition", """{ "family": "errs-api", "requiresCompatibilities": ["FARGATE"], "networkMode": "bridge", "cpu": "256", "memory": "512", "containerDefinitions": [{ "name": "app", "image": "shop/api:v1" }] }""", "ClientException" },
        { "Fargate without cpu", "RegisterTaskDefinition", """{ "family": "errs-api", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "memory": "512", "containerDefinitions": [{ "name": "app", "image": "shop/api:v1" }] }""", "ClientException" },
        { "no revision", "DeregisterTaskDefinition", """{ "taskDefinition": "errs-api" }""", "ClientException" },
        { "unknown revision", "DeregisterTaskDefinition", """{ "taskDefinition": "errs-api:99" }""", "ClientException" },
        { "missing task definition", "TagResource", """{ "resourceArn": "arn:aws:ecs:us-east-1:000000000000:task-definition/errs-missing:1", "tags": [{ "key": "a", "value": "b" }] }""", "InvalidParameterException" },
        { "missing task definition", "UntagResource", """{ "resourceArn": "arn:aws:ecs:us-east-1:000000000000:task-definition/errs-missing:1", "tagKeys": ["a"] }""", "InvalidParameterException" },
        { "missing task definition", "ListTagsForResource", """{ "resourceArn": "arn:aws:ecs:us-east-1:000000000000:task-definition/errs-missing:1" }""", "InvalidParameterException" },
        { "operation LocalEcs lacks", "RunTask", """{ "cluster": "errs", "taskDefinition": "{v1}" }""", "UnknownOperationException" },
        { "malformed JSON", "DescribeServices", """{ "cluster": "errs", "services": ["api"] """, "SerializationException" },
        { "body not an object", "DescribeServices", """["api"]""", "SerializationException" },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public async Task Each_error_is_one_the_operation_declares_with_a_message(string scenario, string operation, string body, string expectedType)
    {
        var scene = await ErrorScenes.GetValue(ecs, SetUpErrorSceneAsync);

        var (status, text) = await SendAsync(operation, body.Replace("{v1}", scene.Active).Replace("{v2}", scene.Inactive));

        status.ShouldBe(400, $"{scenario}: {text}");
        AssertValid(operation, status, text);
        var error = JsonNode.Parse(text)!.AsObject();
        error["__type"]!.GetValue<string>().ShouldBe(expectedType, scenario);
        error["message"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace(scenario);
    }

    /// <summary>Cluster "errs": service "api" (1 task) on revision {v1}; {v2} deregistered; service "gone" deleted.</summary>
    private static async Task<ErrorScene> SetUpErrorSceneAsync(LocalEcsFixture fixture)
    {
        var test = new ResponsesMatchBotocoreTests(fixture);
        await test.CallAsync("CreateCluster", Json("""{ "clusterName": "errs" }"""));
        var v1 = Arn(await test.CallAsync("RegisterTaskDefinition", SimpleTaskDefinition("errs-api", "shop/api:v1")));
        var v2 = Arn(await test.CallAsync("RegisterTaskDefinition", SimpleTaskDefinition("errs-api", "shop/api:v2")));
        await test.CallAsync("DeregisterTaskDefinition", new JsonObject { ["taskDefinition"] = v2 });
        await test.CallAsync("CreateService", Json($$"""{ "cluster": "errs", "serviceName": "api", "taskDefinition": "{{v1}}", "desiredCount": 1 }"""));
        await test.CallAsync("CreateService", Json($$"""{ "cluster": "errs", "serviceName": "gone", "taskDefinition": "{{v1}}", "desiredCount": 0 }"""));
        await test.CallAsync("DeleteService", Json("""{ "cluster": "errs", "service": "gone" }"""));
        return new ErrorScene(v1, v2);
    }

    private sealed record ErrorScene(string Active, string Inactive);

    // ---------------------------------------------------------------- HTTP

    private async Task<(int Status, string Body)> SendAsync(string operation, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/");
        request.Headers.Add("X-Amz-Target", "AmazonEC2ContainerServiceV20141113." + operation);
        request.Headers.TryAddWithoutValidation("Authorization",
            $"AWS4-HMAC-SHA256 Credential=test/{DateTime.UtcNow:yyyyMMdd}/us-east-1/ecs/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=0");
        request.Content = new StringContent(body, Encoding.UTF8);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        using var response = await ecs.Http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A call that must succeed: the request is a valid botocore input and the response is checked by <see cref="AssertValid"/>.</summary>
    private async Task<JsonObject> CallAsync(string operation, JsonObject input)
    {
        var body = input.ToJsonString();
        Model.ValidateRequest(operation, body).ShouldBeEmpty($"the test's own {operation} request must be valid: {body}");
        var (status, text) = await SendAsync(operation, body);
        status.ShouldBe(200, $"{operation}: {text}");
        AssertValid(operation, status, text);
        _answered.Add(operation);
        return JsonNode.Parse(text)!.AsObject();
    }

    private async Task WaitSettledAsync(string cluster, string service, string taskDefinition) =>
        await Eventually.UntilAsync(
            async () => (await CallAsync("DescribeServices", new JsonObject { ["cluster"] = cluster, ["services"] = new JsonArray(service) }))["services"]![0]!,
            s => IsSettled(s, taskDefinition),
            $"{cluster}/{service} to settle on {taskDefinition}");

    private static bool IsSettled(JsonNode service, string taskDefinition) =>
        service["deployments"]!.AsArray() is [{ } only]
        && (string?)only["taskDefinition"] == taskDefinition
        && (string?)only["rolloutState"] == "COMPLETED"
        && (int)service["runningCount"]! == (int)service["desiredCount"]!;

    /// <summary>What a watch saw across all its (validated) DescribeServices, ListTasks and DescribeTasks responses.</summary>
    private sealed class Seen
    {
        public int MostDeployments { get; set; }
        public HashSet<string> DeploymentStatuses { get; } = [];
        public HashSet<string> RolloutStates { get; } = [];
        public HashSet<string> TaskStatuses { get; } = [];
        public HashSet<string> StopCodes { get; } = [];
        public HashSet<int> ExitCodes { get; } = [];
    }

    /// <summary>
    /// Polls the service and all its tasks (running and stopped) as fast as LocalEcs answers, validating every response,
    /// until the service has settled on <paramref name="taskDefinition"/> and <paramref name="until"/> holds.
    /// </summary>
    private async Task<Seen> WatchUntilSettledAsync(string cluster, string service, string taskDefinition, Func<Seen, bool>? until = null)
    {
        var seen = new Seen();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var described = (await CallAsync("DescribeServices", new JsonObject { ["cluster"] = cluster, ["services"] = new JsonArray(service) }))["services"]![0]!;
            var deployments = described["deployments"]!.AsArray();
            seen.MostDeployments = Math.Max(seen.MostDeployments, deployments.Count);
            foreach (var deployment in deployments)
            {
                seen.DeploymentStatuses.Add(deployment!["status"]!.GetValue<string>());
                seen.RolloutStates.Add(deployment["rolloutState"]!.GetValue<string>());
            }

            var arns = new JsonArray();
            foreach (var desiredStatus in (string[])["RUNNING", "STOPPED"])
            {
                var listed = await CallAsync("ListTasks", new JsonObject { ["cluster"] = cluster, ["serviceName"] = service, ["desiredStatus"] = desiredStatus });
                foreach (var arn in listed["taskArns"]!.AsArray())
                {
                    arns.Add(arn!.DeepClone());
                }
            }

            foreach (var chunk in arns.Chunk(100))
            {
                var tasks = await CallAsync("DescribeTasks", new JsonObject { ["cluster"] = cluster, ["tasks"] = new JsonArray([.. chunk.Select(a => a!.DeepClone())]) });
                foreach (var task in tasks["tasks"]!.AsArray())
                {
                    seen.TaskStatuses.Add(task!["lastStatus"]!.GetValue<string>());
                    if (task["stopCode"] is { } stopCode)
                    {
                        seen.StopCodes.Add(stopCode.GetValue<string>());
                    }

                    foreach (var container in task["containers"]!.AsArray())
                    {
                        if (container!["exitCode"] is { } exitCode)
                        {
                            seen.ExitCodes.Add(exitCode.GetValue<int>());
                        }
                    }
                }
            }

            if (IsSettled(described, taskDefinition) && (until is null || until(seen)))
            {
                return seen;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{cluster}/{service} did not settle on {taskDefinition}: {described.ToJsonString()}");
            }
        }
    }

    // ---------------------------------------------------------------- inputs

    private static JsonObject Json(string json) => JsonNode.Parse(json)!.AsObject();

    private static string Arn(JsonObject registered) => registered["taskDefinition"]!["taskDefinitionArn"]!.GetValue<string>();

    private static JsonObject SimpleTaskDefinition(string family, string image) => LocalEcsFixture.TaskDefinitionInput(family, image);

    /// <summary>A Fargate task definition using much of the input shape, so the described form echoes it all back.</summary>
    private static JsonObject RichTaskDefinition(string family, string image) => Json($$"""
        {
          "family": "{{family}}",
          "taskRoleArn": "arn:aws:iam::000000000000:role/api-task",
          "executionRoleArn": "arn:aws:iam::000000000000:role/ecsTaskExecutionRole",
          "networkMode": "awsvpc",
          "requiresCompatibilities": ["FARGATE"],
          "cpu": "512",
          "memory": "1024",
          "runtimePlatform": { "cpuArchitecture": "X86_64", "operatingSystemFamily": "LINUX" },
          "ephemeralStorage": { "sizeInGiB": 25 },
          "volumes": [{ "name": "scratch" }],
          "containerDefinitions": [
            {
              "name": "api",
              "image": "{{image}}",
              "essential": true,
              "portMappings": [{ "containerPort": 8080, "hostPort": 8080, "protocol": "tcp", "name": "http", "appProtocol": "http" }],
              "environment": [{ "name": "GREETING", "value": "hello" }],
              "secrets": [{ "name": "DB_PASSWORD", "valueFrom": "arn:aws:ssm:us-east-1:000000000000:parameter/db-password" }],
              "mountPoints": [{ "sourceVolume": "scratch", "containerPath": "/tmp/scratch" }],
              "healthCheck": { "command": ["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"], "interval": 10, "timeout": 5, "retries": 3 },
              "logConfiguration": { "logDriver": "awslogs", "options": { "awslogs-group": "/ecs/api", "awslogs-region": "us-east-1" } },
              "ulimits": [{ "name": "nofile", "softLimit": 65536, "hardLimit": 65536 }],
              "dockerLabels": { "com.example.team": "payments" },
              "stopTimeout": 30
            },
            { "name": "sidecar", "image": "shop/sidecar:1", "essential": false, "memoryReservation": 64 }
          ],
          "tags": [{ "key": "team", "value": "payments" }]
        }
        """);
}
