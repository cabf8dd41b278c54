using System.Text.Json.Nodes;
using LocalEcs.Admin;
using LocalEcs.Model;

namespace LocalEcs.LoadBalancer;

/// A target group per service: GET/HEAD /lb/{cluster}/{service}/{path} round-robins over the service's
/// RUNNING tasks of every deployment, so during a rollout old and new revisions both answer. API faults do not apply
/// here; the image behaviours (status-N, slow-N, flap-N, unhealthy) do.
internal static class LoadBalancerEndpoint
{
    public static void Map(WebApplication app, EcsStore store, ApiStats stats, TimeProvider time)
    {
        string[] methods = ["GET", "HEAD"];
        app.MapMethods("/lb/{cluster}/{service}", methods, (HttpContext http, string cluster, string service) =>
            ServeAsync(http, store, stats, time, cluster, service, ""));
        app.MapMethods("/lb/{cluster}/{service}/{**path}", methods, (HttpContext http, string cluster, string service, string? path) =>
            ServeAsync(http, store, stats, time, cluster, service, path ?? ""));
    }

    private static async Task<IResult> ServeAsync(
        HttpContext http, EcsStore store, ApiStats stats, TimeProvider time, string clusterName, string serviceName, string path)
    {
        stats.CountLoadBalancerRequest();
        TaskState? target;
        var status = 503;
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
            if (target is not null)
            {
                // "unhealthy" images answer 503; status-N, flap-N change the answer (README "Image behaviours").
                status = target.Behaviour.LoadBalancerStatus(target.LoadBalancerRequests++);
            }
        }

        if (target is null)
        {
            return Results.Text("no healthy targets\n", "text/plain", statusCode: 503);
        }

        var image = target.TaskDefinition.Containers.FirstOrDefault().Image ?? "";
        http.Response.Headers["X-LocalEcs-Task-Arn"] = target.Arn;
        http.Response.Headers["X-LocalEcs-Task-Definition"] = target.TaskDefinition.Arn;
        http.Response.Headers["X-LocalEcs-Image"] = image;
        // The application's version, as a real service would report it: the image tag.
        var version = VersionOf(image);
        http.Response.Headers["X-LocalEcs-Version"] = version;
        var body = new JsonObject
        {
            ["cluster"] = clusterName,
            ["service"] = serviceName,
            ["taskArn"] = target.Arn,
            ["taskDefinitionArn"] = target.TaskDefinition.Arn,
            ["image"] = image,
            ["version"] = version,
            ["path"] = "/" + path,
        };
        if (target.Behaviour.SlowResponse > TimeSpan.Zero)
        {
            // slow-N images: the application takes N ms to answer.
            try
            {
                await Task.Delay(target.Behaviour.SlowResponse, time, http.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return Results.Empty;
            }
        }

        return Results.Text(body.ToJsonString(), "application/json", statusCode: status);
    }

    private static string VersionOf(string image)
    {
        var name = image.Split('@')[0];
        var lastSlash = name.LastIndexOf('/');
        var colon = name.LastIndexOf(':');
        return colon > lastSlash ? name[(colon + 1)..] : "latest";
    }
}
