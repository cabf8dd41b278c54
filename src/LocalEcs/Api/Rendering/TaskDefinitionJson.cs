using System.Text.Json.Nodes;
using LocalEcs.Model;

namespace LocalEcs.Api.Rendering;

internal static class TaskDefinitionJson
{
    // Members of botocore's TaskDefinition shape that come from the request; anything else the caller
    // sent (e.g. "tags", which ECS returns beside the task definition) is not emitted inside it.
    private static readonly HashSet<string> RequestMembers =
    [
        "containerDefinitions", "family", "taskRoleArn", "executionRoleArn", "networkMode", "volumes",
        "placementConstraints", "runtimePlatform", "requiresCompatibilities", "cpu", "memory",
        "inferenceAccelerators", "pidMode", "ipcMode", "proxyConfiguration", "ephemeralStorage", "enableFaultInjection",
    ];

    public static JsonObject Render(TaskDefinitionState td)
    {
        var json = new JsonObject { ["taskDefinitionArn"] = td.Arn };
        foreach (var (name, value) in td.Body)
        {
            if (RequestMembers.Contains(name) && value is not null)
            {
                json[name] = value.DeepClone();
            }
        }

        json["revision"] = td.Revision;
        json["status"] = td.Status;
        json["requiresAttributes"] = RequiresAttributes(td.Body);
        json["compatibilities"] = JsonOutput.Strings(Compatibilities(td.Body));
        json["registeredAt"] = JsonOutput.Epoch(td.RegisteredAt);
        json.SetIf("deregisteredAt", td.DeregisteredAt);
        json["registeredBy"] = Arns.RootPrincipal;
        return json;
    }

    /// ECS lists every launch type the definition is valid for: always EC2; FARGATE when asked for or when
    /// the definition already meets Fargate's rules (awsvpc with task-level cpu and memory).
    public static IEnumerable<string> Compatibilities(JsonObject body)
    {
        var required = body.StrList("requiresCompatibilities");
        yield return "EC2";
        var fargateShaped = body.Str("networkMode") == "awsvpc" && body["cpu"] is not null && body["memory"] is not null;
        if (required.Contains("FARGATE") || fargateShaped)
        {
            yield return "FARGATE";
        }

        if (required.Contains("EXTERNAL"))
        {
            yield return "EXTERNAL";
        }

        if (required.Contains("MANAGED_INSTANCES"))
        {
            yield return "MANAGED_INSTANCES";
        }
    }

    private static JsonArray RequiresAttributes(JsonObject body)
    {
        var names = new List<string> { "com.amazonaws.ecs.capability.docker-remote-api.1.18" };
        if (body.Str("networkMode") == "awsvpc")
        {
            names.Add("ecs.capability.task-eni");
        }

        if (body["executionRoleArn"] is not null)
        {
            names.Add("ecs.capability.execution-role-ecr-pull");
        }

        return new JsonArray(names.Select(n => (JsonNode)new JsonObject { ["name"] = n }).ToArray());
    }
}
