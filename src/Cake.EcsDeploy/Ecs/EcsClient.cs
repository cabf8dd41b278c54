using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cake.EcsDeploy.Reporting;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Cake.EcsDeploy.Ecs;

/// <summary>The ECS operations this tool uses.</summary>
public interface IEcsClient
{
    /// <summary>DescribeServices for one service; throws <see cref="EcsException"/> (ServiceNotFoundException) when ECS reports it missing.</summary>
    Task<EcsService> DescribeServiceAsync(string cluster, string service, CancellationToken cancellationToken = default);

    /// <summary>DescribeTaskDefinition with its tags.</summary>
    Task<DescribedTaskDefinition> DescribeTaskDefinitionAsync(string taskDefinition, CancellationToken cancellationToken = default);

    /// <summary>RegisterTaskDefinition with a complete request document; returns the new revision's ARN.</summary>
    Task<string> RegisterTaskDefinitionAsync(JsonObject request, CancellationToken cancellationToken = default);

    /// <summary>DeregisterTaskDefinition (marks a revision INACTIVE; running services keep it).</summary>
    Task DeregisterTaskDefinitionAsync(string taskDefinitionArn, CancellationToken cancellationToken = default);

    /// <summary>UpdateService to another task definition; returns the service as ECS reports it right after.</summary>
    Task<EcsService> UpdateServiceAsync(string cluster, string service, string taskDefinition, CancellationToken cancellationToken = default);

    /// <summary>ListTasks of a service (desired status RUNNING or STOPPED).</summary>
    Task<IReadOnlyList<string>> ListTasksAsync(string cluster, string service, string desiredStatus, CancellationToken cancellationToken = default);

    /// <summary>DescribeTasks.</summary>
    Task<IReadOnlyList<EcsTask>> DescribeTasksAsync(string cluster, IReadOnlyList<string> taskArns, CancellationToken cancellationToken = default);

    /// <summary>CreateCluster (demo and tests).</summary>
    Task CreateClusterAsync(string cluster, CancellationToken cancellationToken = default);

    /// <summary>CreateService (demo and tests).</summary>
    Task<EcsService> CreateServiceAsync(CreateServiceRequest request, CancellationToken cancellationToken = default);
}

/// <summary>
/// A small client for ECS's JSON 1.1 protocol on AWSSDK.Core: the SDK resolves credentials and region and signs
/// (SigV4); we send the request and map ECS's errors. Throttling, 5xx and dropped connections are retried with
/// exponential backoff and jitter; RegisterTaskDefinition, which is not idempotent, only when ECS certainly did not
/// process the call (throttled, or the connection was refused).
/// </summary>
public sealed class EcsClient : IEcsClient, IDisposable
{
    private const string TargetPrefix = "AmazonEC2ContainerServiceV20141113";
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/x-amz-json-1.1");

    private readonly EcsConnection _connection;
    private readonly HttpClient _http;
    private readonly SigV4RequestSigner _signer;
    private readonly ResiliencePipeline _retryAnyFailure;
    private readonly ResiliencePipeline _retryUnprocessed;
    private readonly IDeployLog _log;

    /// <summary>Creates a client. <paramref name="timeProvider"/> drives retry delays (a fake one in tests).</summary>
    public EcsClient(EcsConnection connection, IDeployLog? log = null, EcsRetryOptions? retry = null, TimeProvider? timeProvider = null, HttpMessageHandler? handler = null)
    {
        _connection = connection;
        _log = log ?? NullDeployLog.Instance;
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.Timeout = Timeout.InfiniteTimeSpan; // the pipeline's per-attempt timeout governs
        _signer = new SigV4RequestSigner(connection.Credentials, connection.Region);
        retry ??= new EcsRetryOptions();
        timeProvider ??= TimeProvider.System;
        _retryAnyFailure = BuildPipeline(retry, timeProvider, IsTransient);
        _retryUnprocessed = BuildPipeline(retry, timeProvider, IsCertainlyUnprocessed);
    }

    /// <summary>The endpoint this client talks to.</summary>
    public Uri Endpoint => _connection.Endpoint;

    /// <inheritdoc />
    public async Task<EcsService> DescribeServiceAsync(string cluster, string service, CancellationToken cancellationToken = default)
    {
        var response = await SendAsync("DescribeServices", new JsonObject { ["cluster"] = cluster, ["services"] = new JsonArray(service) }, idempotent: true, cancellationToken);
        var services = Deserialize<List<EcsService>>(response["services"]) ?? [];
        if (services.FirstOrDefault() is { } found)
        {
            return found;
        }

        var failure = Deserialize<List<EcsFailure>>(response["failures"])?.FirstOrDefault();
        throw new EcsException("DescribeServices", "ServiceNotFoundException",
            $"Service '{service}' was not found in cluster '{cluster}' ({failure?.Reason ?? "no such service"}).", 400);
    }

    /// <inheritdoc />
    public async Task<DescribedTaskDefinition> DescribeTaskDefinitionAsync(string taskDefinition, CancellationToken cancellationToken = default)
    {
        var response = await SendAsync("DescribeTaskDefinition",
            new JsonObject { ["taskDefinition"] = taskDefinition, ["include"] = new JsonArray("TAGS") }, idempotent: true, cancellationToken);
        var document = response["taskDefinition"] as JsonObject
            ?? throw new EcsException("DescribeTaskDefinition", "InvalidResponse", "the response has no taskDefinition.", 200);
        return new DescribedTaskDefinition((JsonObject)document.DeepClone(), Deserialize<List<EcsTag>>(response["tags"]) ?? []);
    }

    /// <inheritdoc />
    public async Task<string> RegisterTaskDefinitionAsync(JsonObject request, CancellationToken cancellationToken = default)
    {
        var response = await SendAsync("RegisterTaskDefinition", request, idempotent: false, cancellationToken);
        return (string?)response["taskDefinition"]?["taskDefinitionArn"]
            ?? throw new EcsException("RegisterTaskDefinition", "InvalidResponse", "the response has no taskDefinition.taskDefinitionArn.", 200);
    }

    /// <inheritdoc />
    public Task DeregisterTaskDefinitionAsync(string taskDefinitionArn, CancellationToken cancellationToken = default) =>
        SendAsync("DeregisterTaskDefinition", new JsonObject { ["taskDefinition"] = taskDefinitionArn }, idempotent: true, cancellationToken);

    /// <inheritdoc />
    public async Task<EcsService> UpdateServiceAsync(string cluster, string service, string taskDefinition, CancellationToken cancellationToken = default)
    {
        var response = await SendAsync("UpdateService",
            new JsonObject { ["cluster"] = cluster, ["service"] = service, ["taskDefinition"] = taskDefinition }, idempotent: true, cancellationToken);
        return Deserialize<EcsService>(response["service"])
            ?? throw new EcsException("UpdateService", "InvalidResponse", "the response has no service.", 200);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListTasksAsync(string cluster, string service, string desiredStatus, CancellationToken cancellationToken = default)
    {
        var arns = new List<string>();
        string? nextToken = null;
        do
        {
            var request = new JsonObject { ["cluster"] = cluster, ["serviceName"] = service, ["desiredStatus"] = desiredStatus };
            if (nextToken is not null)
            {
                request["nextToken"] = nextToken;
            }

            var response = await SendAsync("ListTasks", request, idempotent: true, cancellationToken);
            arns.AddRange(Deserialize<List<string>>(response["taskArns"]) ?? []);
            nextToken = (string?)response["nextToken"];
        }
        while (nextToken is not null);

        return arns;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<EcsTask>> DescribeTasksAsync(string cluster, IReadOnlyList<string> taskArns, CancellationToken cancellationToken = default)
    {
        var tasks = new List<EcsTask>();
        foreach (var chunk in taskArns.Chunk(100)) // DescribeTasks takes at most 100 tasks
        {
            var response = await SendAsync("DescribeTasks",
                new JsonObject { ["cluster"] = cluster, ["tasks"] = new JsonArray([.. chunk.Select(a => JsonValue.Create(a))]) }, idempotent: true, cancellationToken);
            tasks.AddRange(Deserialize<List<EcsTask>>(response["tasks"]) ?? []);
        }

        return tasks;
    }

    /// <inheritdoc />
    public Task CreateClusterAsync(string cluster, CancellationToken cancellationToken = default) =>
        SendAsync("CreateCluster", new JsonObject { ["clusterName"] = cluster }, idempotent: true, cancellationToken);

    /// <inheritdoc />
    public async Task<EcsService> CreateServiceAsync(CreateServiceRequest request, CancellationToken cancellationToken = default)
    {
        var body = new JsonObject
        {
            ["cluster"] = request.Cluster,
            ["serviceName"] = request.ServiceName,
            ["taskDefinition"] = request.TaskDefinition,
            ["desiredCount"] = request.DesiredCount,
        };
        if (request.DeploymentConfiguration is not null)
        {
            body["deploymentConfiguration"] = request.DeploymentConfiguration.DeepClone();
        }

        var response = await SendAsync("CreateService", body, idempotent: false, cancellationToken);
        return Deserialize<EcsService>(response["service"])
            ?? throw new EcsException("CreateService", "InvalidResponse", "the response has no service.", 200);
    }

    /// <summary>Sends one operation and returns the response body; ECS errors become <see cref="EcsException"/>.</summary>
    public async Task<JsonObject> SendAsync(string operation, JsonObject body, bool idempotent, CancellationToken cancellationToken)
    {
        var payload = Encoding.UTF8.GetBytes(body.ToJsonString(EcsJson.Options));
        var pipeline = idempotent ? _retryAnyFailure : _retryUnprocessed;
        try
        {
            return await pipeline.ExecuteAsync(ct => SendOnceAsync(operation, payload, ct), cancellationToken);
        }
        catch (TimeoutRejectedException e)
        {
            throw new EcsException(operation, "RequestTimeout", $"no answer from {_connection.Endpoint} in time.", 0, e);
        }
        catch (HttpRequestException e)
        {
            throw new EcsException(operation, "ConnectionFailed", $"could not reach ECS at {_connection.Endpoint}: {e.Message}", 0, e);
        }
    }

    private async ValueTask<JsonObject> SendOnceAsync(string operation, byte[] payload, CancellationToken cancellationToken)
    {
        var headers = new Dictionary<string, string>
        {
            ["X-Amz-Target"] = $"{TargetPrefix}.{operation}",
            ["Content-Type"] = JsonContentType.MediaType!,
        };
        var signed = await _signer.SignAsync(_connection.Endpoint, headers, payload, cancellationToken);

        using var request = new HttpRequestMessage(HttpMethod.Post, _connection.Endpoint) { Content = new ByteArrayContent(payload) };
        request.Content.Headers.ContentType = JsonContentType;
        request.Headers.TryAddWithoutValidation("X-Amz-Target", headers["X-Amz-Target"]);
        foreach (var (name, value) in signed)
        {
            if (!name.Equals("Host", StringComparison.OrdinalIgnoreCase) && !name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        using var response = await _http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return (text.Length == 0 ? null : JsonNode.Parse(text)) as JsonObject ?? [];
        }

        throw ToException(operation, (int)response.StatusCode, text, response.Headers);
    }

    private static EcsException ToException(string operation, int status, string text, HttpResponseHeaders headers)
    {
        string? type = null, message = null;
        try
        {
            var error = JsonNode.Parse(text) as JsonObject;
            type = (string?)error?["__type"];
            message = (string?)(error?["message"] ?? error?["Message"]);
        }
        catch (JsonException)
        {
            // Not JSON: a proxy or load balancer in the way; fall back to the status line.
        }

        if (type is null && headers.TryGetValues("x-amzn-ErrorType", out var values))
        {
            type = values.FirstOrDefault();
        }

        // "__type" may be "namespace#Name" and the header "Name:http://...".
        type = (type ?? (status >= 500 ? "ServerException" : "HttpError" + status)).Split('#').Last().Split(':').First();
        return new EcsException(operation, type, message ?? $"HTTP {status}", status);
    }

    private ResiliencePipeline BuildPipeline(EcsRetryOptions options, TimeProvider timeProvider, Func<Exception, bool> shouldRetry)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider };
        if (options.MaxRetries <= 0)
        {
            // Polly's retry strategy needs at least one retry; no retries means no retry strategy.
            return builder.AddTimeout(options.AttemptTimeout).Build();
        }

        return builder
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(shouldRetry),
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                OnRetry = args =>
                {
                    _log.Warning($"ECS call failed ({Describe(args.Outcome.Exception)}); retry {args.AttemptNumber + 1} of {options.MaxRetries} in {args.RetryDelay.TotalSeconds:0.0}s.");
                    return default;
                },
            })
            .AddTimeout(options.AttemptTimeout)
            .Build();
    }

    private static string Describe(Exception? e) => e switch
    {
        EcsException ecs => $"{ecs.ErrorType}: {ecs.EcsMessage}",
        TimeoutRejectedException => "no answer in time",
        null => "unknown",
        _ => e.Message,
    };

    private static bool IsTransient(Exception e) =>
        e is HttpRequestException or TimeoutRejectedException || (e is EcsException ecs && (ecs.IsThrottling || ecs.IsServerError));

    private static bool IsCertainlyUnprocessed(Exception e) =>
        (e is EcsException ecs && ecs.IsThrottling)
        || (e is HttpRequestException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionRefused } });

    private static T? Deserialize<T>(JsonNode? node) => node is null ? default : node.Deserialize<T>(EcsJson.Options);

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}

/// <summary>How ECS calls are retried.</summary>
public sealed record EcsRetryOptions
{
    /// <summary>Retries after the first attempt (default 6).</summary>
    public int MaxRetries { get; init; } = 6;

    /// <summary>First backoff delay, doubled each retry with jitter (default 250 ms).</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Longest backoff delay (default 10 s).</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Time allowed for one call (default 30 s).</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
