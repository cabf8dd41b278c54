using System.Text.Json.Nodes;
using LocalEcs.Model;

namespace LocalEcs.Api.Rendering;

internal static class ServiceJson
{
    public static JsonObject Render(ServiceState service, bool tags)
    {
        var tasks = service.Cluster.Tasks.Where(t => t.Service == service).ToList();
        var json = new JsonObject
        {
            ["serviceArn"] = service.Arn,
            ["serviceName"] = service.Name,
            ["clusterArn"] = service.Cluster.Arn,
            ["loadBalancers"] = new JsonArray(),
            ["serviceRegistries"] = new JsonArray(),
            ["status"] = service.Status,
            ["desiredCount"] = service.DesiredCount,
            ["runningCount"] = tasks.Count(t => t.LastStatus == "RUNNING"),
            ["pendingCount"] = tasks.Count(t => t.IsStarting),
            ["taskDefinition"] = service.Primary.TaskDefinition.Arn,
            ["deploymentConfiguration"] = DeploymentConfiguration(service.Deployment),
            ["deployments"] = new JsonArray(service.Deployments.Select(d => (JsonNode)Deployment(service, d, tasks)).ToArray()),
            ["events"] = new JsonArray(service.Events.Select(e => (JsonNode)new JsonObject
            {
                ["id"] = e.Id,
                ["createdAt"] = JsonOutput.Epoch(e.CreatedAt),
                ["message"] = e.Message,
            }).ToArray()),
            ["createdAt"] = JsonOutput.Epoch(service.CreatedAt),
            ["placementConstraints"] = new JsonArray(),
            ["placementStrategy"] = new JsonArray(),
            ["schedulingStrategy"] = "REPLICA",
            ["deploymentController"] = new JsonObject { ["type"] = "ECS" },
            ["createdBy"] = Arns.RootPrincipal,
            ["enableECSManagedTags"] = false,
            ["propagateTags"] = "NONE",
            ["enableExecuteCommand"] = false,
        };
        json.SetIf("launchType", service.LaunchType);
        foreach (var (name, value) in service.Echo)
        {
            json[name] = value?.DeepClone();
        }

        if (tags)
        {
            json["tags"] = JsonOutput.Tags(service.Tags);
        }

        return json;
    }

    public static JsonObject DeploymentConfiguration(DeploymentSettings settings)
    {
        var json = (JsonObject)settings.Extra.DeepClone();
        json["deploymentCircuitBreaker"] = new JsonObject
        {
            ["enable"] = settings.CircuitBreakerEnable,
            ["rollback"] = settings.CircuitBreakerRollback,
        };
        json["maximumPercent"] = settings.MaximumPercent;
        json["minimumHealthyPercent"] = settings.MinimumHealthyPercent;
        return json;
    }

    private static JsonObject Deployment(ServiceState service, DeploymentState deployment, List<TaskState> tasks)
    {
        var own = tasks.Where(t => t.DeploymentId == deployment.Id).ToList();
        // Older deployments report as desired the tasks they still keep, shrinking as they drain (as ECS shows).
        var desired = deployment == service.Primary ? service.DesiredCount : own.Count(t => t.WantsToRun);
        var json = new JsonObject
        {
            ["id"] = deployment.Id,
            ["status"] = deployment.Status,
            ["taskDefinition"] = deployment.TaskDefinition.Arn,
            ["desiredCount"] = desired,
            ["pendingCount"] = own.Count(t => t.IsStarting),
            ["runningCount"] = own.Count(t => t.LastStatus == "RUNNING"),
            ["failedTasks"] = deployment.FailedTasks,
            ["createdAt"] = JsonOutput.Epoch(deployment.CreatedAt),
            ["updatedAt"] = JsonOutput.Epoch(deployment.UpdatedAt),
            ["rolloutState"] = deployment.RolloutState,
            ["rolloutStateReason"] = deployment.RolloutStateReason,
        };
        json.SetIf("launchType", deployment.LaunchType);
        foreach (var name in (string[])["platformVersion", "platformFamily", "networkConfiguration"])
        {
            if (service.Echo[name] is { } value)
            {
                json[name] = value.DeepClone();
            }
        }

        return json;
    }
}
