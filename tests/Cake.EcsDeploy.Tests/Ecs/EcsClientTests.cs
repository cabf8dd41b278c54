using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Cake.EcsDeploy.Ecs;
using Cake.EcsDeploy.Tests.Support;
using Shouldly;
using Xunit;

namespace Cake.EcsDeploy.Tests.Ecs;

public class EcsClientTests
{
    /// <summary>Answers each request with the next scripted (status, body); records the targets it saw.</summary>
    private sealed class ScriptedEcs(params (HttpStatusCode Status, string Body)[] script) : HttpMessageHandler
    {
        public List<string> Targets { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Targets.Add(request.Headers.GetValues("X-Amz-Target").Single());
            var (status, body) = script[Math.Min(Targets.Count - 1, script.Length - 1)];
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/x-amz-json-1.1") });
        }
    }

    private static readonly EcsRetryOptions FastRetries = new() { BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5), MaxRetries = 3 };

    private static EcsClient Client(HttpMessageHandler handler, CapturingLog? log = null) =>
        new(new EcsConnection(new Uri("http://127.0.0.1:1/"), "us-east-1", new BasicAWSCredentials("AKIDEXAMPLE", "super-secret-key")), log, FastRetries, handler: handler);

    private const string Service = """{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:1:service/c/s","serviceName":"s","status":"ACTIVE","desiredCount":1,"runningCount":1,"pendingCount":0,"taskDefinition":"arn:td:1"}],"failures":[]}""";

    [Fact]
    public async Task Throttling_and_server_errors_are_retried_and_the_retry_is_reported()
    {
        var ecs = new ScriptedEcs(
            (HttpStatusCode.BadRequest, """{"__type":"ThrottlingException","message":"Rate exceeded"}"""),
            (HttpStatusCode.InternalServerError, """{"__type":"ServerException","message":"boom"}"""),
            (HttpStatusCode.OK, Service));
        var log = new CapturingLog();

        var service = await Client(ecs, log).DescribeServiceAsync("c", "s");

        service.ServiceName.ShouldBe("s");
        ecs.Targets.Count.ShouldBe(3);
        ecs.Targets.ShouldAllBe(t => t == "AmazonEC2ContainerServiceV20141113.DescribeServices");
        log.Text.ShouldContain("ThrottlingException: Rate exceeded");
        log.Text.ShouldNotContain("super-secret-key");
    }

    [Fact]
    public async Task With_no_retries_configured_the_first_failure_is_final()
    {
        var ecs = new ScriptedEcs((HttpStatusCode.InternalServerError, """{"__type":"ServerException","message":"boom"}"""), (HttpStatusCode.OK, Service));
        using var client = new EcsClient(new EcsConnection(new Uri("http://127.0.0.1:1/"), "us-east-1", new BasicAWSCredentials("a", "b")), retry: FastRetries with { MaxRetries = 0 }, handler: ecs);

        (await Should.ThrowAsync<EcsException>(() => client.DescribeServiceAsync("c", "s"))).ErrorType.ShouldBe("ServerException");
        ecs.Targets.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Errors_become_exceptions_that_name_the_operation_and_ECS_error()
    {
        var ecs = new ScriptedEcs((HttpStatusCode.BadRequest, """{"__type":"com.amazonaws.ecs#ClusterNotFoundException","message":"Cluster not found."}"""));

        var error = await Should.ThrowAsync<EcsException>(() => Client(ecs).UpdateServiceAsync("c", "s", "td:2"));

        error.ErrorType.ShouldBe("ClusterNotFoundException");
        error.Message.ShouldBe("ECS UpdateService failed: ClusterNotFoundException: Cluster not found.");
        ecs.Targets.Count.ShouldBe(1, "a client error is not retried");
    }

    [Fact]
    public async Task RegisterTaskDefinition_is_not_retried_after_a_server_error_that_may_have_registered_it()
    {
        var ecs = new ScriptedEcs(
            (HttpStatusCode.InternalServerError, """{"__type":"ServerException","message":"boom"}"""),
            (HttpStatusCode.OK, """{"taskDefinition":{"taskDefinitionArn":"arn:td:2"}}"""));

        await Should.ThrowAsync<EcsException>(() => Client(ecs).RegisterTaskDefinitionAsync(new JsonObject { ["family"] = "f" }));
        ecs.Targets.Count.ShouldBe(1);
    }

    [Fact]
    public async Task RegisterTaskDefinition_is_retried_when_throttled()
    {
        var ecs = new ScriptedEcs(
            (HttpStatusCode.BadRequest, """{"__type":"ThrottlingException","message":"Rate exceeded"}"""),
            (HttpStatusCode.OK, """{"taskDefinition":{"taskDefinitionArn":"arn:td:2"}}"""));

        (await Client(ecs).RegisterTaskDefinitionAsync(new JsonObject { ["family"] = "f" })).ShouldBe("arn:td:2");
        ecs.Targets.Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_missing_service_is_reported_as_ServiceNotFound()
    {
        var ecs = new ScriptedEcs((HttpStatusCode.OK, """{"services":[],"failures":[{"arn":"arn:aws:ecs:us-east-1:1:service/c/nope","reason":"MISSING"}]}"""));

        var error = await Should.ThrowAsync<EcsException>(() => Client(ecs).DescribeServiceAsync("c", "nope"));
        error.ErrorType.ShouldBe("ServiceNotFoundException");
        error.Message.ShouldContain("MISSING");
    }

    [Fact]
    public void A_loopback_endpoint_needs_no_region_or_credentials_and_never_walks_the_chain()
    {
        var connection = EcsConnection.Resolve(new Uri("http://127.0.0.1:4566"), null, _ => null);
        connection.Region.ShouldBe("us-east-1");
        connection.Credentials.ShouldBeOfType<BasicAWSCredentials>();
    }

    [Fact]
    public void Endpoint_and_region_come_from_the_AWS_environment_variables_in_the_CLI_order()
    {
        var env = new Dictionary<string, string> { ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9", ["AWS_ENDPOINT_URL_ECS"] = "http://127.0.0.1:4566", ["AWS_REGION"] = "eu-west-1" };
        var connection = EcsConnection.Resolve(null, null, env.GetValueOrDefault);
        connection.Endpoint.ShouldBe(new Uri("http://127.0.0.1:4566"));
        connection.Region.ShouldBe("eu-west-1");

        Should.Throw<EcsDeployInputException>(() => EcsConnection.Resolve(null, null, new Dictionary<string, string> { ["AWS_ENDPOINT_URL_ECS"] = "localhost:4566" }.GetValueOrDefault))
            .Message.ShouldContain("AWS_ENDPOINT_URL_ECS");
    }
}
