using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LocalEcs.Admin;
using LocalEcs.Api.Operations;
using LocalEcs.Faults;
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

    public const string ThrottlingMessage = "Rate exceeded";
    public const string InjectedServerErrorMessage = "Internal server error (fault injected by LocalEcs).";
    public const string InjectedAfterApplyingMessage = "Internal server error after the request was applied (fault injected by LocalEcs).";

    public static void Map(WebApplication app, EcsStore store, DeploymentScheduler scheduler, ApiStats stats, ApiFaults faults, TimeProvider time)
    {
        app.MapPost("/", (HttpContext http) => HandleAsync(http, store, scheduler, stats, faults, time));
    }

    private static async Task HandleAsync(
        HttpContext http, EcsStore store, DeploymentScheduler scheduler, ApiStats stats, ApiFaults faults, TimeProvider time)
    {
        http.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        var target = http.Request.Headers["X-Amz-Target"].ToString();
        var operation = target.StartsWith(TargetPrefix, StringComparison.Ordinal) ? target[TargetPrefix.Length..] : target;
        var name = operation.Length == 0 ? "(none)" : operation;
        stats.CountApiCall(name);
        string text;
        try
        {
            text = await ReadBodyAsync(http.Request);
        }
        catch (Exception e) when (e is IOException or BadHttpRequestException or OperationCanceledException)
        {
            await WriteErrorAsync(http.Response, 400, "SerializationException", "Could not read the request body: " + e.Message);
            return;
        }

        // Faults on demand (README "Faults on demand"): a call that fails before applying changes nothing.
        var fault = faults.Decide(operation);
        if (fault.Delay > TimeSpan.Zero)
        {
            stats.CountFault(name, ApiStats.DelayedCalls);
            stats.CountFault(name, ApiStats.AddedLatencyMs, (long)fault.Delay.TotalMilliseconds);
            try
            {
                await Task.Delay(fault.Delay, time, http.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        if (fault.Kind != FaultKind.None && !fault.AfterApplying)
        {
            await FailAsync(http, stats, name, fault);
            return;
        }

        int status;
        JsonObject body;
        string? errorType = null;
        try
        {
            if (!Operations.TryGetValue(operation, out var handler))
            {
                throw new EcsException("UnknownOperationException", $"Unknown operation {operation}.");
            }

            var input = Parse(text);
            var region = RegionOf(http.Request.Headers.Authorization.ToString());
            lock (store.Gate)
            {
                body = handler(new EcsRequest(store.Region(region), input, time.GetUtcNow(), scheduler));
            }

            status = 200;
        }
        catch (EcsException e)
        {
            (status, errorType, body) = (e.StatusCode, e.Type, ErrorBody(e.Type, e.Message));
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"LocalEcs: internal error in {operation}: {e}");
            (status, errorType, body) = (500, "ServerException", ErrorBody("ServerException", "LocalEcs internal error: " + e.Message));
        }

        if (fault.Kind != FaultKind.None)
        {
            // failAfterApplying: the call ran (whatever its outcome), and then its answer is lost.
            stats.CountFault(name, ApiStats.AppliedThenFailed);
            await FailAsync(http, stats, name, fault);
            return;
        }

        if (errorType is not null)
        {
            http.Response.Headers["x-amzn-ErrorType"] = errorType;
        }

        await WriteAsync(http.Response, status, body);
    }

    private static async Task FailAsync(HttpContext http, ApiStats stats, string operation, FaultDecision fault)
    {
        switch (fault.Kind)
        {
            case FaultKind.Throttle:
                stats.CountFault(operation, ApiStats.Throttled);
                await WriteErrorAsync(http.Response, 400, "ThrottlingException", ThrottlingMessage);
                break;
            case FaultKind.ServerError:
                stats.CountFault(operation, ApiStats.ServerErrors);
                await WriteErrorAsync(
                    http.Response, 500, "ServerException", fault.AfterApplying ? InjectedAfterApplyingMessage : InjectedServerErrorMessage);
                break;
            case FaultKind.DropConnection:
                stats.CountFault(operation, ApiStats.DroppedConnections);
                http.Abort();
                break;
        }
    }

    private static async Task<string> ReadBodyAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        return await reader.ReadToEndAsync();
    }

    private static JsonObject Parse(string text)
    {
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
        return WriteAsync(response, status, ErrorBody(type, message));
    }

    private static JsonObject ErrorBody(string type, string message) => new() { ["__type"] = type, ["message"] = message };

    private static async Task WriteAsync(HttpResponse response, int status, JsonObject body)
    {
        response.StatusCode = status;
        response.ContentType = ContentType;
        await response.WriteAsync(body.ToJsonString());
    }

    [GeneratedRegex(@"Credential=[^/,\s]+/\d{8}/(?<region>[a-z0-9-]+)/")]
    private static partial Regex CredentialScope();
}
