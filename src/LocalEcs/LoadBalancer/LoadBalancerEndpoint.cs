using System.Text.Json.Nodes;
using LocalEcs.Admin;
using LocalEcs.Model;

namespace LocalEcs.LoadBalancer;

/// A target group per service: GET/HEAD /lb/{cluster}/{service}/{path} round-robins over the service's
/// RUNNING tasks of every deployment, so during a rollout old and new revisions both answer.
internal static class LoadBalancerEndpoint
{
    public static void Map(WebApplication app, EcsStore store, ApiStats stats)
    {
        string[] methods = ["GET", "HEAD"];
        app.MapMethods("/lb/{cluster}/{service}", methods, (HttpContext http, string cluster, string service) =>
            Serve(http, store, stats, cluster, service, ""));
        app.MapMethods("/lb/{cluster}/{service}/{**path}", methods, (HttpContext http, string cluster, string service, string? path) =>
            Serve(http, store, stats, cluster, service, path ?? ""));
    }

    private static IResult Serve(HttpContext http, EcsStore store, ApiStats stats, string clusterName, string serviceName, string path)
    {
        stats.CountLoadBalancerRequest();
        TaskState? target;
        lock (store.Gate)
        {
            // The URL has no region: the first region that has this cluster and service wins.
            var service = store.Regions
                .Select(r => r.Clusters.GetValueOrDefault(clusterName))
                .Select(c => c?.Services.GetValueOrDefault(serviceName))
                .FirstOrDefault(s => s is not null && s.Status != "INACTIVE");
            if (service is null)
            {
                return Results.Text($"unknown service {clusterName}/{serviceName}\n", "text/plain", statusCode: 404);
            }

            var targets = service.Cluster.Tasks
                .Where(t => t.Service == service && t.IsServing)
                .OrderBy(t => t.StartedAt)
                .ThenBy(t => t.Id, StringComparer.Ordinal)
                .ToList();
            target = targets.Count == 0 ? null : targets[(int)(service.LoadBalancerCounter++ % targets.Count)];
        }

        if (target is null)
        {
            return Results.Text("no healthy targets\n", "text/plain", statusCode: 503);
        }

        var image = target.TaskDefinition.Containers.FirstOrDefault().Image ?? "";
        http.Response.Headers["X-LocalEcs-Task-Arn"] = target.Arn;
        http.Response.Headers["X-LocalEcs-Task-Definition"] = target.TaskDefinition.Arn;
        http.Response.Headers["X-LocalEcs-Image"] = image;
        var body = new JsonObject
        {
            ["cluster"] = clusterName,
            ["service"] = serviceName,
            ["taskArn"] = target.Arn,
            ["taskDefinitionArn"] = target.TaskDefinition.Arn,
            ["image"] = image,
            ["path"] = "/" + path,
        };
        // "unhealthy" images run, but the application behind them fails every request.
        var status = target.Behaviour == ImageBehaviour.Unhealthy ? 503 : 200;
        return Results.Text(body.ToJsonString(), "application/json", statusCode: status);
    }
}
