using System.Text.Json.Nodes;
using LocalEcs.Model;

namespace LocalEcs.Api.Rendering;

internal static class TaskJson
{
    public static JsonObject Render(TaskState task, bool tags)
    {
        var json = new JsonObject
        {
            ["taskArn"] = task.Arn,
            ["clusterArn"] = task.ClusterArn,
            ["taskDefinitionArn"] = task.TaskDefinition.Arn,
            ["group"] = task.Group,
            ["startedBy"] = task.DeploymentId,
            ["lastStatus"] = task.LastStatus,
            ["desiredStatus"] = task.DesiredStatus,
            ["createdAt"] = JsonOutput.Epoch(task.CreatedAt),
            ["availabilityZone"] = task.Service.Cluster.Region + "a",
            ["healthStatus"] = "UNKNOWN",
            ["version"] = task.Version,
            ["containers"] = Containers(task),
        };
        json.SetIf("launchType", task.LaunchType);
        json.SetIf("cpu", task.TaskDefinition.Body.Str("cpu"));
        json.SetIf("memory", task.TaskDefinition.Body.Str("memory"));
        json.SetIf("pullStartedAt", task.PullStartedAt);
        json.SetIf("pullStoppedAt", task.PullStoppedAt);
        json.SetIf("startedAt", task.StartedAt);
        json.SetIf("stoppingAt", task.StoppingAt);
        json.SetIf("stoppedAt", task.StoppedAt);
        json.SetIf("executionStoppedAt", task.StoppedAt);
        json.SetIf("stoppedReason", task.StoppedReason);
        json.SetIf("stopCode", task.StopCode);
        if (tags)
        {
            json["tags"] = new JsonArray();
        }

        return json;
    }

    private static JsonArray Containers(TaskState task)
    {
        var containers = new JsonArray();
        foreach (var (name, image) in task.TaskDefinition.Containers)
        {
            var container = new JsonObject
            {
                ["containerArn"] = $"arn:aws:ecs:{task.Service.Cluster.Region}:{Arns.AccountId}:container/{task.Service.Cluster.Name}/{task.Id}/{Guid.NewGuid()}",
                ["taskArn"] = task.Arn,
                ["name"] = name,
                ["image"] = image,
                ["lastStatus"] = ContainerStatus(task),
                ["healthStatus"] = "UNKNOWN",
            };
            if (task.IsStopped)
            {
                container.SetIf("exitCode", task.ExitCode);
            }

            containers.Add(container);
        }

        return containers;
    }

    // Containers of a task that is still provisioning are PENDING; otherwise they follow the task.
    private static string ContainerStatus(TaskState task) => task.LastStatus switch
    {
        "PROVISIONING" or "PENDING" or "ACTIVATING" => "PENDING",
        "DEACTIVATING" or "STOPPING" or "DEPROVISIONING" => "RUNNING",
        var status => status,
    };
}
