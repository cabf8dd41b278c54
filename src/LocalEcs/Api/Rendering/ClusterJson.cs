using System.Text.Json.Nodes;
using LocalEcs.Model;

namespace LocalEcs.Api.Rendering;

internal static class ClusterJson
{
    public static JsonObject Render(ClusterState cluster, bool tags, bool settings)
    {
        var json = new JsonObject
        {
            ["clusterArn"] = cluster.Arn,
            ["clusterName"] = cluster.Name,
            ["status"] = cluster.Status,
            ["registeredContainerInstancesCount"] = 0,
            ["runningTasksCount"] = cluster.Tasks.Count(t => t.LastStatus == "RUNNING"),
            ["pendingTasksCount"] = cluster.Tasks.Count(t => t.WantsToRun && t.LastStatus is "PROVISIONING" or "PENDING" or "ACTIVATING"),
            ["activeServicesCount"] = cluster.Services.Values.Count(s => s.Status == "ACTIVE"),
            ["statistics"] = new JsonArray(),
            ["capacityProviders"] = new JsonArray(),
            ["defaultCapacityProviderStrategy"] = new JsonArray(),
        };
        if (cluster.Configuration is not null)
        {
            json["configuration"] = cluster.Configuration.DeepClone();
        }

        if (tags)
        {
            json["tags"] = JsonOutput.Tags(cluster.Tags);
        }

        if (settings)
        {
            json["settings"] = cluster.Settings?.DeepClone()
                ?? new JsonArray(new JsonObject { ["name"] = "containerInsights", ["value"] = "disabled" });
        }

        return json;
    }
}
