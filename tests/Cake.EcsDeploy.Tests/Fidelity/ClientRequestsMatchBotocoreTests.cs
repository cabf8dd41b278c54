using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Cake.EcsDeploy.Ecs;
using Cake.EcsDeploy.TaskDefinitions;
using Cake.EcsDeploy.Tests.Support;
using EcsModel;
using Shouldly;
using Xunit;

namespace Cake.EcsDeploy.Tests.Fidelity;

/// <summary>
/// Our <see cref="EcsClient"/> against a real LocalEcs, every exchange recorded on the wire and refereed by botocore's
/// ECS model: each request must fit the operation's input shape, each response LocalEcs gave back its output shape
/// (or, for errors, an error the operation declares).
/// </summary>
public class ClientRequestsMatchBotocoreTests(LocalEcsServer localEcs) : IClassFixture<LocalEcsServer>
{
    private static readonly BotocoreEcsModel Model = BotocoreEcsModel.LoadInstalled();

    /// <summary>Every operation of <see cref="IEcsClient"/>.</summary>
    private static readonly string[] ClientOperations =
    [
        "CreateCluster", "CreateService", "DeregisterTaskDefinition", "DescribeServices", "DescribeTaskDefinition", "DescribeTasks",
        "ListTasks", "RegisterTaskDefinition", "UpdateService",
    ];

    // ---------------------------------------------------------------- the client's own flow

    [Fact]
    public async Task Every_request_the_client_sends_in_a_full_flow_fits_botocores_input_shape()
    {
        var exchanges = await RunClientFlowAsync("req");

        exchanges.Select(e => e.Operation).Distinct().ShouldBe(ClientOperations, ignoreOrder: true, customMessage: "the flow drives every client operation");
        AssertRequestsValid(exchanges);
    }

    [Fact]
    public async Task Every_request_names_its_operation_in_X_Amz_Target_and_is_SigV4_signed_JSON_1_1()
    {
        var exchanges = await RunClientFlowAsync("hdr");

        exchanges.ShouldNotBeEmpty();
        foreach (var exchange in exchanges)
        {
            Model.OperationFromTarget(exchange.Target).ShouldNotBeNull($"X-Amz-Target '{exchange.Target}' names no ECS operation");
            exchange.Method.ShouldBe("POST");
            exchange.Path.ShouldBe("/");
            exchange.ContentType.ShouldBe("application/x-amz-json-1.1", $"{exchange.Operation}: Content-Type must be exactly the JSON 1.1 type (it is signed)");
            exchange.Authorization.ShouldStartWith("AWS4-HMAC-SHA256 Credential=test/", Case.Sensitive, exchange.Operation);
            exchange.Authorization.ShouldContain("/us-east-1/ecs/aws4_request", Case.Sensitive, exchange.Operation);
            exchange.Authorization.ShouldContain("SignedHeaders=", Case.Sensitive, exchange.Operation);
            exchange.Authorization.ShouldContain("x-amz-target", Case.Sensitive, $"{exchange.Operation}: X-Amz-Target must be signed");
            exchange.Authorization.ShouldContain("Signature=", Case.Sensitive, exchange.Operation);
            exchange.AmzDate.ShouldMatch(@"^\d{8}T\d{6}Z$", exchange.Operation);
        }
    }

    [Fact]
    public async Task Every_response_LocalEcs_returns_to_the_client_fits_botocores_output_or_error_shape()
    {
        var exchanges = await RunClientFlowAsync("resp");

        exchanges.ShouldContain(e => e.Status == 200);
        exchanges.ShouldContain(e => e.Status != 200, "the flow includes an error (a missing task definition)");
        AssertResponsesValid(exchanges);
    }

    [Fact]
    public async Task The_rendered_task_definition_the_client_registers_is_the_described_one_with_only_the_image_changed()
    {
        var exchanges = await RunClientFlowAsync("rich");

        var registrations = exchanges.Where(e => e.Operation == "RegisterTaskDefinition").ToList();
        registrations.Count.ShouldBe(2);
        var first = JsonNode.Parse(registrations[0].RequestBody)!.AsObject();
        var rendered = JsonNode.Parse(registrations[1].RequestBody)!.AsObject();
        Model.ValidateRequest("RegisterTaskDefinition", registrations[1].RequestBody).ShouldBeEmpty();
        rendered["containerDefinitions"]![0]!["image"]!.GetValue<string>().ShouldBe("repo/api:2.0.0");
        rendered["containerDefinitions"]![0]!["image"] = "repo/api:1.0.0";
        JsonNode.DeepEquals(rendered, first).ShouldBeTrue($"first:\n{first}\nrendered:\n{rendered}");
    }

    // ---------------------------------------------------------------- the whole Deploy target

    [Theory]
    [InlineData("healthy", "repo/api:1.1.0", true, new[] { "DescribeServices", "DescribeTaskDefinition", "RegisterTaskDefinition", "UpdateService" })]
    [InlineData("crashing", "repo/api:1.1.0-crash", false, new[] { "DescribeServices", "DescribeTaskDefinition", "RegisterTaskDefinition", "UpdateService", "ListTasks", "DescribeTasks", "DeregisterTaskDefinition" })]
    public async Task Every_request_of_a_whole_Deploy_target_fits_botocores_input_shape_and_every_response_its_output_shape(
        string service, string image, bool succeeds, string[] operations)
    {
        const string cluster = "fidelity-deploy";
        await localEcs.Cli.SeedServiceAsync(cluster, service, "repo/api:1.0.0");
        await using var proxy = RecordingProxy.Start(localEcs.Url);

        var run = await CakeHost.RunTargetAsync("Deploy", new Dictionary<string, string>
        {
            ["cluster"] = cluster,
            ["service"] = service,
            ["image"] = image,
            ["verify-url"] = $"{localEcs.Url}/lb/{cluster}/{service}/leo",
            ["ecs-endpoint"] = proxy.Url,
            ["artifacts"] = Directory.CreateTempSubdirectory("ecs-deploy-fidelity-").FullName,
            ["poll-interval"] = "50ms",
            ["stability-timeout"] = succeeds ? "20s" : "2s",
            ["verify-interval"] = "20ms",
            ["verify-retry-delay"] = "20ms",
            ["verify-deadline"] = "2s",
        });

        run.Succeeded.ShouldBe(succeeds, run.Log);
        var exchanges = proxy.Exchanges.ToList();
        exchanges.Where(e => !ClientOperations.Contains(e.Operation)).ShouldBeEmpty("every exchange is an ECS operation of the client (none failed in the proxy)");
        exchanges.Select(e => e.Operation).Distinct().ShouldBe(operations, ignoreOrder: true);
        foreach (var exchange in exchanges)
        {
            exchange.Path.ShouldBe("/");
            exchange.ContentType.ShouldBe("application/x-amz-json-1.1", exchange.Operation);
            exchange.Authorization.ShouldStartWith("AWS4-HMAC-SHA256 Credential=", Case.Sensitive, exchange.Operation);
            exchange.AmzDate.ShouldMatch(@"^\d{8}T\d{6}Z$", exchange.Operation);
        }

        AssertRequestsValid(exchanges);
        AssertResponsesValid(exchanges);
    }

    // ---------------------------------------------------------------- helpers

    private static void AssertRequestsValid(IEnumerable<Exchange> exchanges)
    {
        var problems = exchanges
            .SelectMany(e => Model.ValidateRequest(e.Operation, e.RequestBody).Select(v => $"{e.Operation} request {v}\n  body: {e.RequestBody}"))
            .Distinct()
            .ToList();
        problems.ShouldBeEmpty(string.Join("\n", problems));
    }

    private static void AssertResponsesValid(IEnumerable<Exchange> exchanges)
    {
        var problems = exchanges
            .SelectMany(e => (e.Status == 200 ? Model.ValidateResponse(e.Operation, e.ResponseBody) : Model.ValidateError(e.Operation, e.ResponseBody))
                .Select(v => $"{e.Operation} {(e.Status == 200 ? "response" : "error " + e.Status)} {v}\n  body: {e.ResponseBody}"))
            .Distinct()
            .ToList();
        problems.ShouldBeEmpty(string.Join("\n", problems));
    }

    /// <summary>
    /// Drives every <see cref="IEcsClient"/> operation against LocalEcs through a recording handler: a cluster, a rich
    /// task definition, a service that becomes stable, the described task definition rendered with a new image and
    /// registered, the service updated to it and watched to the end, its tasks listed and described; plus a missing
    /// service (200 with failures) and a missing task definition (a ClientException).
    /// </summary>
    private async Task<IReadOnlyList<Exchange>> RunClientFlowAsync(string name)
    {
        var recorder = new RecordingHandler();
        using var client = new EcsClient(
            new EcsConnection(new Uri(localEcs.Url), "us-east-1", new BasicAWSCredentials("test", "test")),
            handler: recorder);
        var cluster = "fidelity-" + name;
        var family = "fidelity-" + name;

        await client.CreateClusterAsync(cluster);
        var v1 = await client.RegisterTaskDefinitionAsync(RichTaskDefinition(family));
        var created = await client.CreateServiceAsync(new CreateServiceRequest(cluster, "api", v1, 2, new JsonObject
        {
            ["deploymentCircuitBreaker"] = new JsonObject { ["enable"] = true, ["rollback"] = true },
            ["maximumPercent"] = 200,
            ["minimumHealthyPercent"] = 100,
        }));
        created.TaskDefinition.ShouldBe(v1);
        await WaitStableAsync(client, cluster, v1);

        var described = await client.DescribeTaskDefinitionAsync(v1);
        var tags = new JsonArray([.. described.Tags.Select(t => (JsonNode)new JsonObject { ["key"] = t.Key, ["value"] = t.Value })]);
        var rendered = TaskDefinitionRenderer.Render(described.TaskDefinition, tags, "repo/api:2.0.0", "api");
        var v2 = await client.RegisterTaskDefinitionAsync(rendered.Request);
        var updated = await client.UpdateServiceAsync(cluster, "api", v2);
        updated.TaskDefinition.ShouldBe(v2);
        await WaitStableAsync(client, cluster, v2);

        var running = await client.ListTasksAsync(cluster, "api", "RUNNING");
        var stopped = await client.ListTasksAsync(cluster, "api", "STOPPED");
        running.Count.ShouldBe(2);
        stopped.ShouldNotBeEmpty();
        var tasks = await client.DescribeTasksAsync(cluster, [.. running, .. stopped]);
        tasks.Count.ShouldBe(running.Count + stopped.Count);

        await client.DeregisterTaskDefinitionAsync(v1);
        ((string?)(await client.DescribeTaskDefinitionAsync(v1)).TaskDefinition["status"]).ShouldBe("INACTIVE");

        (await Should.ThrowAsync<EcsException>(() => client.DescribeServiceAsync(cluster, "ghost"))).ErrorType.ShouldBe("ServiceNotFoundException");
        (await Should.ThrowAsync<EcsException>(() => client.DescribeTaskDefinitionAsync(family + ":99"))).ErrorType.ShouldBe("ClientException");

        return recorder.Exchanges.ToList();
    }

    private static async Task WaitStableAsync(EcsClient client, string cluster, string taskDefinition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var service = await client.DescribeServiceAsync(cluster, "api");
            if (service.Deployments is [{ RolloutState: "COMPLETED" } only] && only.TaskDefinition == taskDefinition
                && service.RunningCount == service.DesiredCount)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{cluster}/api did not settle on {taskDefinition}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>A RegisterTaskDefinition request using much of the shape: two containers, roles, volumes, logs, health checks.</summary>
    private static JsonObject RichTaskDefinition(string family) => JsonNode.Parse($$"""
        {
          "family": "{{family}}",
          "taskRoleArn": "arn:aws:iam::000000000000:role/api-task",
          "executionRoleArn": "arn:aws:iam::000000000000:role/ecsTaskExecutionRole",
          "networkMode": "awsvpc",
          "requiresCompatibilities": ["FARGATE"],
          "cpu": "512",
          "memory": "1024",
          "runtimePlatform": { "cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX" },
          "ephemeralStorage": { "sizeInGiB": 30 },
          "volumes": [
            { "name": "scratch" },
            { "name": "shared", "efsVolumeConfiguration": { "fileSystemId": "fs-0123456789abcdef0", "rootDirectory": "/", "transitEncryption": "ENABLED" } }
          ],
          "containerDefinitions": [
            {
              "name": "api",
              "image": "repo/api:1.0.0",
              "essential": true,
              "cpu": 384,
              "memory": 768,
              "memoryReservation": 512,
              "portMappings": [
                { "containerPort": 8000, "hostPort": 8000, "protocol": "tcp", "name": "http", "appProtocol": "http" },
                { "containerPort": 9090, "protocol": "udp" }
              ],
              "environment": [{ "name": "GREETING", "value": "hello" }, { "name": "EMPTY", "value": "" }],
              "secrets": [{ "name": "DB_PASSWORD", "valueFrom": "arn:aws:ssm:us-east-1:000000000000:parameter/db-password" }],
              "mountPoints": [{ "sourceVolume": "scratch", "containerPath": "/tmp/scratch", "readOnly": false }],
              "dependsOn": [{ "containerName": "log-router", "condition": "START" }],
              "healthCheck": { "command": ["CMD-SHELL", "curl -f http://localhost:8000/health || exit 1"], "interval": 10, "timeout": 5, "retries": 3, "startPeriod": 15 },
              "logConfiguration": {
                "logDriver": "awslogs",
                "options": { "awslogs-group": "/ecs/api", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "api" }
              },
              "ulimits": [{ "name": "nofile", "softLimit": 65536, "hardLimit": 65536 }],
              "linuxParameters": { "initProcessEnabled": true },
              "dockerLabels": { "com.example.team": "payments" },
              "readonlyRootFilesystem": true,
              "stopTimeout": 30,
              "startTimeout": 60
            },
            {
              "name": "log-router",
              "image": "amazon/aws-for-fluent-bit:stable",
              "essential": false,
              "memoryReservation": 64,
              "firelensConfiguration": { "type": "fluentbit", "options": { "enable-ecs-log-metadata": "true" } },
              "volumesFrom": [],
              "systemControls": []
            }
          ],
          "tags": [{ "key": "team", "value": "payments" }, { "key": "cost-center", "value": "42" }]
        }
        """)!.AsObject();

    // ---------------------------------------------------------------- recording

    /// <summary>One request and its response as they went over the wire.</summary>
    public sealed record Exchange(
        string Method,
        string Path,
        string Target,
        string Operation,
        string ContentType,
        string Authorization,
        string AmzDate,
        string RequestBody,
        int Status,
        string ResponseBody);

    /// <summary>Records each exchange of an <see cref="HttpClient"/>, then lets it through unchanged.</summary>
    private sealed class RecordingHandler() : DelegatingHandler(new SocketsHttpHandler())
    {
        public ConcurrentQueue<Exchange> Exchanges { get; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var requestBody = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            var target = Header(request.Headers, "X-Amz-Target");
            var response = await base.SendAsync(request, cancellationToken);
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            var responseBody = await response.Content.ReadAsStringAsync(cancellationToken);
            Exchanges.Enqueue(new Exchange(
                request.Method.Method,
                request.RequestUri?.AbsolutePath ?? "",
                target,
                Model.OperationFromTarget(target) ?? "(unknown target)",
                request.Content?.Headers.ContentType?.ToString() ?? "",
                Header(request.Headers, "Authorization"),
                Header(request.Headers, "X-Amz-Date"),
                requestBody,
                (int)response.StatusCode,
                responseBody));
            return response;
        }

        private static string Header(System.Net.Http.Headers.HttpHeaders headers, string name) =>
            headers.TryGetValues(name, out var values) ? string.Join(",", values) : "";
    }

    /// <summary>
    /// A loopback HTTP proxy in front of LocalEcs that records each exchange: lets a whole Deploy target, which builds
    /// its own client, be watched on the wire.
    /// </summary>
    private sealed class RecordingProxy : IAsyncDisposable
    {
        private static readonly HashSet<string> HopHeaders = new(StringComparer.OrdinalIgnoreCase)
        {
            "Host", "Content-Length", "Content-Type", "Connection", "Keep-Alive", "Transfer-Encoding", "Expect",
        };

        private readonly HttpListener _listener;
        private readonly HttpClient _upstream;
        private readonly Uri _target;
        private readonly Task _loop;

        private RecordingProxy(HttpListener listener, string url, Uri target)
        {
            _listener = listener;
            Url = url;
            _target = target;
            _upstream = new HttpClient(new SocketsHttpHandler()) { Timeout = TimeSpan.FromSeconds(30) };
            _loop = Task.Run(LoopAsync);
        }

        public string Url { get; }

        public ConcurrentQueue<Exchange> Exchanges { get; } = new();

        public static RecordingProxy Start(string target)
        {
            for (var attempt = 0; ; attempt++)
            {
                var probe = new TcpListener(IPAddress.Loopback, 0);
                probe.Start();
                var port = ((IPEndPoint)probe.LocalEndpoint).Port;
                probe.Stop();
                var url = $"http://127.0.0.1:{port}/";
                var listener = new HttpListener();
                listener.Prefixes.Add(url);
                try
                {
                    listener.Start();
                    return new RecordingProxy(listener, url.TrimEnd('/'), new Uri(target.TrimEnd('/') + "/"));
                }
                catch (HttpListenerException) when (attempt < 5)
                {
                    listener.Close();
                }
            }
        }

        private async Task LoopAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                _ = Task.Run(() => ForwardAsync(context));
            }
        }

        private async Task ForwardAsync(HttpListenerContext context)
        {
            var incoming = context.Request;
            try
            {
                string requestBody;
                using (var reader = new StreamReader(incoming.InputStream, incoming.ContentEncoding))
                {
                    requestBody = await reader.ReadToEndAsync();
                }

                using var request = new HttpRequestMessage(new HttpMethod(incoming.HttpMethod), new Uri(_target, incoming.RawUrl!.TrimStart('/')));
                request.Content = new ByteArrayContent(incoming.ContentEncoding.GetBytes(requestBody));
                if (incoming.ContentType is { } contentType)
                {
                    request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
                }

                foreach (var name in incoming.Headers.AllKeys.OfType<string>().Where(n => !HopHeaders.Contains(n)))
                {
                    request.Headers.TryAddWithoutValidation(name, incoming.Headers.GetValues(name) ?? []);
                }

                using var response = await _upstream.SendAsync(request);
                var responseBytes = await response.Content.ReadAsByteArrayAsync();
                var responseBody = await response.Content.ReadAsStringAsync();
                var target = incoming.Headers["X-Amz-Target"] ?? "";
                Exchanges.Enqueue(new Exchange(
                    incoming.HttpMethod,
                    incoming.Url?.AbsolutePath ?? "",
                    target,
                    Model.OperationFromTarget(target) ?? "(unknown target)",
                    incoming.ContentType ?? "",
                    incoming.Headers["Authorization"] ?? "",
                    incoming.Headers["X-Amz-Date"] ?? "",
                    requestBody,
                    (int)response.StatusCode,
                    responseBody));

                context.Response.StatusCode = (int)response.StatusCode;
                if (response.Content.Headers.ContentType is { } responseType)
                {
                    context.Response.ContentType = responseType.ToString();
                }

                foreach (var (name, values) in response.Headers)
                {
                    if (!HopHeaders.Contains(name))
                    {
                        context.Response.Headers[name] = string.Join(",", values);
                    }
                }

                context.Response.ContentLength64 = responseBytes.Length;
                await context.Response.OutputStream.WriteAsync(responseBytes);
                context.Response.Close();
            }
            catch (Exception e)
            {
                try
                {
                    context.Response.StatusCode = 502;
                    context.Response.Close();
                }
                catch (Exception)
                {
                    // the caller went away
                }

                Exchanges.Enqueue(new Exchange(incoming.HttpMethod, "", "", "(proxy failure)", "", "", "", "", 502, e.ToString()));
            }
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            _listener.Close();
            try
            {
                await _loop.WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception)
            {
                // the loop ends with the listener
            }

            _upstream.Dispose();
        }
    }
}
