using System.Text.Json.Nodes;
using LocalEcs.Api.Rendering;
using LocalEcs.Model;

namespace LocalEcs.Api.Operations;

internal static class ClusterOperations
{
    public static JsonObject CreateCluster(EcsRequest request)
    {
        var name = request.Input.Str("clusterName") ?? "default";
        if (name.Length == 0)
        {
            name = "default";
        }

        // Creating an existing cluster is idempotent in ECS: it returns the cluster as it is.
        if (!request.Region.Clusters.TryGetValue(name, out var cluster) || cluster.Status != "ACTIVE")
        {
            cluster = new ClusterState { Name = name, Arn = Arns.Cluster(request.Region.Name, name), Region = request.Region.Name };
            cluster.Tags.AddRange(request.Input.Tags());
            cluster.Settings = request.Input["settings"]?.DeepClone() as JsonArray;
            cluster.Configuration = request.Input.Obj("configuration")?.DeepClone() as JsonObject;
            request.Region.Clusters[name] = cluster;
        }

        return new JsonObject
        {
            ["cluster"] = ClusterJson.Render(cluster, tags: cluster.Tags.Count > 0, settings: cluster.Settings is not null),
        };
    }

    public static JsonObject DescribeClusters(EcsRequest request)
    {
        var names = request.Input.StrList("clusters");
        if (names.Count == 0)
        {
            names = ["default"];
        }

        var clusters = new JsonArray();
        var failures = new JsonArray();
        foreach (var reference in names)
        {
            var name = Arns.ClusterName(reference);
            if (request.Region.Clusters.TryGetValue(name, out var cluster))
            {
                clusters.Add(ClusterJson.Render(cluster, request.Input.Includes("TAGS"), request.Input.Includes("SETTINGS")));
            }
            else
            {
                failures.Add(new JsonObject { ["arn"] = Arns.Cluster(request.Region.Name, name), ["reason"] = "MISSING" });
            }
        }

        return new JsonObject { ["clusters"] = clusters, ["failures"] = failures };
    }

    public static JsonObject ListClusters(EcsRequest request) =>
        Pagination.Page(
            request,
            request.Region.Clusters.Values.Where(c => c.Status == "ACTIVE").Select(c => c.Arn).Order(StringComparer.Ordinal).ToList(),
            "clusterArns",
            defaultMax: 100);
}
