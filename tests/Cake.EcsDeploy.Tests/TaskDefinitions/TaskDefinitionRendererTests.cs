using System.Text.Json.Nodes;
using Cake.EcsDeploy.TaskDefinitions;
using EcsModel;
using Shouldly;
using Xunit;

namespace Cake.EcsDeploy.Tests.TaskDefinitions;

public class TaskDefinitionRendererTests
{
    private static readonly BotocoreEcsModel Model = BotocoreEcsModel.LoadInstalled();

    private static JsonObject Described(string containers = """[{ "name": "api-go", "image": "repo/api:1", "essential": true, "portMappings": [{ "containerPort": 8000, "protocol": "tcp" }], "environment": [{ "name": "A", "value": "secret-a" }] }]""") =>
        JsonNode.Parse($$"""
        {
          "taskDefinitionArn": "arn:aws:ecs:us-east-1:000000000000:task-definition/task-api-go:7",
          "family": "task-api-go",
          "revision": 7,
          "status": "ACTIVE",
          "networkMode": "awsvpc",
          "cpu": "256",
          "memory": "512",
          "requiresCompatibilities": ["FARGATE"],
          "compatibilities": ["EC2", "FARGATE"],
          "requiresAttributes": [{ "name": "com.amazonaws.ecs.capability.docker-remote-api.1.18" }],
          "registeredAt": 1733300000.123,
          "registeredBy": "arn:aws:iam::000000000000:root",
          "containerDefinitions": {{containers}}
        }
        """)!.AsObject();

    [Fact]
    public void Render_sets_the_image_and_keeps_every_other_field()
    {
        var described = Described();
        var rendered = TaskDefinitionRenderer.Render(described, null, "repo/api:2", null);

        rendered.Container.ShouldBe("api-go");
        rendered.PreviousImage.ShouldBe("repo/api:1");
        rendered.Request["containerDefinitions"]![0]!["image"]!.GetValue<string>().ShouldBe("repo/api:2");

        // Put the old image back and drop the read-only fields from the original: the rest must be identical.
        var expected = (JsonObject)described.DeepClone();
        foreach (var field in TaskDefinitionRenderer.ReadOnlyFields) expected.Remove(field);
        var roundTrip = (JsonObject)rendered.Request.DeepClone();
        roundTrip["containerDefinitions"]![0]!["image"] = "repo/api:1";
        JsonNode.DeepEquals(roundTrip, expected).ShouldBeTrue();
    }

    [Fact]
    public void Render_leaves_the_backup_untouched()
    {
        var described = Described();
        var before = described.ToJsonString();
        TaskDefinitionRenderer.Render(described, null, "repo/api:2", null);
        described.ToJsonString().ShouldBe(before);
    }

    [Fact]
    public void Rendered_request_has_no_member_RegisterTaskDefinition_rejects()
    {
        var described = Described();
        Model.ValidateRequest("RegisterTaskDefinition", described.ToJsonString()).ShouldNotBeEmpty("the described form has read-only members");

        var rendered = TaskDefinitionRenderer.Render(described, new JsonArray(new JsonObject { ["key"] = "team", ["value"] = "payments" }), "repo/api:2", null);

        Model.ValidateRequest("RegisterTaskDefinition", rendered.Request.ToJsonString()).ShouldBeEmpty();
        rendered.Request["tags"]!.AsArray().Count.ShouldBe(1);
    }

    [Fact]
    public void Several_containers_need_a_container_name_and_the_error_lists_them()
    {
        var described = Described("""[{ "name": "api-go", "image": "repo/api:1" }, { "name": "xray", "image": "amazon/aws-xray-daemon" }]""");

        var missing = Should.Throw<EcsDeployInputException>(() => TaskDefinitionRenderer.Render(described, null, "repo/api:2", null));
        missing.Message.ShouldContain("--container");
        missing.Message.ShouldContain("api-go, xray");

        var unknown = Should.Throw<EcsDeployInputException>(() => TaskDefinitionRenderer.Render(described, null, "repo/api:2", "web"));
        unknown.Message.ShouldContain("no container named 'web'");

        var chosen = TaskDefinitionRenderer.Render(described, null, "repo/api:2", "api-go");
        chosen.Request["containerDefinitions"]![1]!["image"]!.GetValue<string>().ShouldBe("amazon/aws-xray-daemon");
    }

    [Theory]
    [InlineData("")]
    [InlineData("Repo/API:1")]
    [InlineData("repo/api:")]
    [InlineData("repo/api:1 2")]
    [InlineData("repo/api@sha256:123")]
    public void Malformed_images_are_rejected_before_anything_else(string image)
    {
        Should.Throw<EcsDeployInputException>(() => TaskDefinitionRenderer.Render(Described(), null, image, null))
            .Message.ShouldContain("Nothing was changed in ECS");
    }

    [Theory]
    [InlineData("nginx")]
    [InlineData("repo/api:1.2.3-unhealthy")]
    [InlineData("123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/api:2026.12.04")]
    [InlineData("localhost:5000/api@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public void Valid_images_are_accepted(string image) => Should.NotThrow(() => ImageReference.Validate(image));
}
