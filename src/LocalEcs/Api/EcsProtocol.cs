using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LocalEcs.Admin;
using LocalEcs.Api.Operations;
using LocalEcs.Model;
using LocalEcs.Simulation;

namespace LocalEcs.Api;

/// ECS's JSON 1.1 protocol: POST / with X-Amz-Target "AmazonEC2ContainerServiceV20141113.Operation".
internal static partial class EcsProtocol
{
    public const string TargetPrefix = "AmazonEC2ContainerServiceV20141113.";
    public const string ContentType = "application/x-amz-json-1.1";
    public const string DefaultRegion = "us-east-1";

    private static readonly Dictionary<string, Func<EcsRequest, JsonObject>> Operations = new(StringComparer.Ordinal)
    {
        ["CreateCluster"] = ClusterOperations.CreateCluster,
        ["DescribeClusters"] = ClusterOperations.DescribeClusters,
        ["ListClusters"] = ClusterOperations.ListClusters,
        ["RegisterTaskDefinition"] = TaskDefinitionOperations.RegisterTaskDefinition,
        ["DescribeTaskDefinition"] = TaskDefinitionOperations.DescribeTaskDefinition,
        ["DeregisterTaskDefinition"] = TaskDefinitionOperations.DeregisterTaskDefinition,
        ["ListTaskDefinitions"] = TaskDefinitionOperations.ListTaskDefinitions,
        ["ListTaskDefinitionFamilies"] = TaskDefinitionOperations.ListTaskDefinitionFamilies,
        ["CreateService"] = ServiceOperations.CreateService,
        ["UpdateService"] = ServiceOperations.UpdateService,
        ["DescribeServices"] = ServiceOperations.DescribeServices,
        ["ListServices"] = ServiceOperations.ListServices,
        ["DeleteService"] = ServiceOperations.DeleteService,
        ["ListTasks"] = TaskOperations.ListTasks,
        ["DescribeTasks"] = TaskOperations.DescribeTasks,
        ["TagResource"] = TagOperations.TagResource,
        ["UntagResource"] = TagOperations.UntagResource,
        ["ListTagsForResource"] = TagOperations.ListTagsForResource,
    };

    public static void Map(WebApplication app, EcsStore store, DeploymentScheduler scheduler, ApiStats stats, TimeProvider time)
    {
        app.MapPost("/", (HttpContext http) => HandleAsync(http, store, scheduler, stats, time));
    }

    private static async Task HandleAsync(HttpContext http, EcsStore store, DeploymentScheduler scheduler, ApiStats stats, TimeProvider time)
    {
        http.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        var target = http.Request.Headers["X-Amz-Target"].ToString();
        var operation = target.StartsWith(TargetPrefix, StringComparison.Ordinal) ? target[TargetPrefix.Length..] : target;
        stats.CountApiCall(operation.Length == 0 ? "(none)" : operation);
        try
        {
            if (!Operations.TryGetValue(operation, out var handler))
            {
                throw new EcsException("UnknownOperationException", $"Unknown operation {operation}.");
            }

            var input = await ReadInputAsync(http.Request);
            var region = RegionOf(http.Request.Headers.Authorization.ToString());
            JsonObject output;
            lock (store.Gate)
            {
                output = handler(new EcsRequest(store.Region(region), input, time.GetUtcNow(), scheduler));
            }

            await WriteAsync(http.Response, 200, output);
        }
        catch (EcsException e)
        {
            await WriteErrorAsync(http.Response, e.StatusCode, e.Type, e.Message);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"LocalEcs: internal error in {operation}: {e}");
            await WriteErrorAsync(http.Response, 500, "ServerException", "LocalEcs internal error: " + e.Message);
        }
    }

    private static async Task<JsonObject> ReadInputAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync();
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        try
        {
            return JsonNode.Parse(text) as JsonObject
                ?? throw new EcsException("SerializationException", "Request body must be a JSON object.");
        }
        catch (JsonException e)
        {
            throw new EcsException("SerializationException", "Malformed JSON: " + e.Message);
        }
    }

    /// Signatures are not verified; the region comes from the SigV4 credential scope.
    internal static string RegionOf(string authorization)
    {
        var match = CredentialScope().Match(authorization);
        return match.Success ? match.Groups["region"].Value : DefaultRegion;
    }

    private static Task WriteErrorAsync(HttpResponse response, int status, string type, string message)
    {
        response.Headers["x-amzn-ErrorType"] = type;
        return WriteAsync(response, status, new JsonObject { ["__type"] = type, ["message"] = message });
    }

    private static async Task WriteAsync(HttpResponse response, int status, JsonObject body)
    {
        response.StatusCode = status;
        response.ContentType = ContentType;
        await response.WriteAsync(body.ToJsonString());
    }

    [GeneratedRegex(@"Credential=[^/,\s]+/\d{8}/(?<region>[a-z0-9-]+)/")]
    private static partial Regex CredentialScope();
}
