using System.Net;
using System.Text.Json.Nodes;
using LocalEcs.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace LocalEcs.Tests;

public sealed class LoadBalancerTests(LocalEcsFixture ecs) : IClassFixture<LocalEcsFixture>
{
    [Fact]
    public async Task Healthy_service_answers_200_naming_the_revision()
    {
        var td = await CreateServiceAsync("lb-healthy", "shop/api:v7", desired: 2);

        using var response = await ecs.Http.GetAsync("/lb/lb-healthy/api/leo");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        body["cluster"]!.GetValue<string>().ShouldBe("lb-healthy");
        body["service"]!.GetValue<string>().ShouldBe("api");
        body["taskDefinitionArn"]!.GetValue<string>().ShouldBe(td);
        body["image"]!.GetValue<string>().ShouldBe("shop/api:v7");
        body["path"]!.GetValue<string>().ShouldBe("/leo");
        body["version"]!.GetValue<string>().ShouldBe("v7", "the image tag, as the application would report its version");
        response.Headers.GetValues("X-LocalEcs-Task-Definition").Single().ShouldBe(td);
        response.Headers.GetValues("X-LocalEcs-Image").Single().ShouldBe("shop/api:v7");
        response.Headers.GetValues("X-LocalEcs-Version").Single().ShouldBe("v7");
        var firstTask = response.Headers.GetValues("X-LocalEcs-Task-Arn").Single();

        using var second = await ecs.Http.GetAsync("/lb/lb-healthy/api/leo");
        second.Headers.GetValues("X-LocalEcs-Task-Arn").Single().ShouldNotBe(firstTask, "round robin over the two tasks");

        using var head = await ecs.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/lb/lb-healthy/api"));
        head.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Unhealthy_image_runs_but_answers_503()
    {
        await CreateServiceAsync("lb-sick", "shop/api:unhealthy", desired: 1);
        var service = await ecs.Ecs.ServiceAsync("lb-sick", "api");
        service["runningCount"]!.GetValue<int>().ShouldBe(1);

        using var response = await ecs.Http.GetAsync("/lb/lb-sick/api/health");
        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        response.Headers.GetValues("X-LocalEcs-Image").Single().ShouldBe("shop/api:unhealthy");
    }

    [Fact]
    public async Task No_running_task_is_503_and_unknown_service_is_404()
    {
        await CreateServiceAsync("lb-empty", "shop/api:v1", desired: 0);
        using var empty = await ecs.Http.GetAsync("/lb/lb-empty/api/");
        empty.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await empty.Content.ReadAsStringAsync()).ShouldContain("no healthy targets");

        using var unknown = await ecs.Http.GetAsync("/lb/lb-empty/nothing/");
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        using var noCluster = await ecs.Http.GetAsync("/lb/nowhere/api/");
        noCluster.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    private async Task<string> CreateServiceAsync(string cluster, string image, int desired)
    {
        await ecs.CreateClusterAsync(cluster);
        var td = (await ecs.Ecs.CallAsync("RegisterTaskDefinition", LocalEcsFixture.TaskDefinitionInput(cluster, image)))["taskDefinition"]!["taskDefinitionArn"]!.GetValue<string>();
        await ecs.Ecs.CallAsync("CreateService", new JsonObject { ["cluster"] = cluster, ["serviceName"] = "api", ["taskDefinition"] = td, ["desiredCount"] = desired });
        await Eventually.UntilAsync(
            () => ecs.Ecs.ServiceAsync(cluster, "api"),
            s => (string?)s["deployments"]![0]!["rolloutState"] == "COMPLETED",
            "service " + cluster);
        return td;
    }
}
