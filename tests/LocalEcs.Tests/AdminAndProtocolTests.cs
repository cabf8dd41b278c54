using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using LocalEcs.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace LocalEcs.Tests;

public sealed class AdminAndProtocolTests(LocalEcsFixture ecs) : IClassFixture<LocalEcsFixture>
{
    [Fact]
    public async Task Health_stats_and_reset()
    {
        (await ecs.Http.GetStringAsync("/_localecs/health")).ShouldBe("ok");

        await ecs.Ecs.CallAsync("CreateCluster", new JsonObject { ["clusterName"] = "admin" });
        await ecs.Ecs.CallAsync("ListClusters", []);
        await ecs.Ecs.CallAsync("ListClusters", []);
        var stats = JsonNode.Parse(await ecs.Http.GetStringAsync("/_localecs/stats"))!;
        stats["apiCalls"]!["ListClusters"]!.GetValue<long>().ShouldBeGreaterThanOrEqualTo(2);
        stats["apiCalls"]!["CreateCluster"]!.GetValue<long>().ShouldBeGreaterThanOrEqualTo(1);

        using var reset = await ecs.Http.PostAsync("/_localecs/reset", null);
        reset.StatusCode.ShouldBe(HttpStatusCode.OK);
        var clusters = await ecs.Ecs.CallAsync("ListClusters", []);
        clusters["clusterArns"]!.AsArray().Count.ShouldBe(0);
    }

    [Fact]
    public async Task Errors_carry_type_in_body_and_header()
    {
        var (status, body, response) = await ecs.Ecs.SendAsync("DescribeServices", new JsonObject { ["cluster"] = "missing", ["services"] = new JsonArray("x") });
        status.ShouldBe(400);
        body["__type"]!.GetValue<string>().ShouldBe("ClusterNotFoundException");
        body["message"]!.GetValue<string>().ShouldBe("Cluster not found.");
        response.Headers.GetValues("x-amzn-ErrorType").Single().ShouldBe("ClusterNotFoundException");
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/x-amz-json-1.1");

        var unknown = await ecs.Ecs.SendAsync("LaunchRockets", []);
        unknown.Status.ShouldBe(400);
        unknown.Body["__type"]!.GetValue<string>().ShouldBe("UnknownOperationException");

        using var malformed = new HttpRequestMessage(HttpMethod.Post, "/");
        malformed.Headers.Add("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.ListClusters");
        malformed.Content = new StringContent("{not json", Encoding.UTF8, "application/x-amz-json-1.1");
        using var malformedResponse = await ecs.Http.SendAsync(malformed);
        malformedResponse.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Region_comes_from_the_sigv4_credential_scope()
    {
        const string auth = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/eu-west-3/ecs/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc";
        var (status, body, _) = await ecs.Ecs.SendAsync("CreateCluster", new JsonObject { ["clusterName"] = "paris" }, auth);
        status.ShouldBe(200);
        body["cluster"]!["clusterArn"]!.GetValue<string>().ShouldBe("arn:aws:ecs:eu-west-3:000000000000:cluster/paris");

        // Regions are separate, as in ECS: the cluster is not visible from the default region.
        var elsewhere = await ecs.Ecs.SendAsync("DescribeClusters", new JsonObject { ["clusters"] = new JsonArray("paris") });
        elsewhere.Body["failures"]!.AsArray().Count.ShouldBe(1);
    }

    [Fact]
    public async Task Tags_on_services()
    {
        await ecs.Ecs.CallAsync("CreateCluster", new JsonObject { ["clusterName"] = "tags" });
        var td = (await ecs.Ecs.CallAsync("RegisterTaskDefinition", LocalEcsFixture.TaskDefinitionInput("tags", "a:1")))["taskDefinition"]!["taskDefinitionArn"]!.GetValue<string>();
        var service = (await ecs.Ecs.CallAsync("CreateService", new JsonObject { ["cluster"] = "tags", ["serviceName"] = "api", ["taskDefinition"] = td }))["service"]!;
        var arn = service["serviceArn"]!.GetValue<string>();

        await ecs.Ecs.CallAsync("TagResource", new JsonObject { ["resourceArn"] = arn, ["tags"] = new JsonArray(new JsonObject { ["key"] = "env", ["value"] = "dev" }) });
        var tags = await ecs.Ecs.CallAsync("ListTagsForResource", new JsonObject { ["resourceArn"] = arn });
        tags["tags"]![0]!["key"]!.GetValue<string>().ShouldBe("env");

        var described = await ecs.Ecs.CallAsync("DescribeServices", new JsonObject { ["cluster"] = "tags", ["services"] = new JsonArray("api"), ["include"] = new JsonArray("TAGS") });
        described["services"]![0]!["tags"]![0]!["value"]!.GetValue<string>().ShouldBe("dev");
    }
}
