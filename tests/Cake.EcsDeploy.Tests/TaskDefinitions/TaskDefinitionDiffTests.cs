using System.Text.Json.Nodes;
using Cake.EcsDeploy.TaskDefinitions;
using Shouldly;
using Xunit;

namespace Cake.EcsDeploy.Tests.TaskDefinitions;

public class TaskDefinitionDiffTests
{
    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    [Fact]
    public void Containers_are_matched_by_name_and_only_changed_members_are_listed()
    {
        var before = Parse("""{ "family": "api", "cpu": "256", "containerDefinitions": [ { "name": "api", "image": "repo/api:1" }, { "name": "envoy", "image": "envoy:1" } ] }""");
        var after = Parse("""{ "family": "api", "cpu": "512", "containerDefinitions": [ { "name": "envoy", "image": "envoy:1" }, { "name": "api", "image": "repo/api:2" } ] }""");

        TaskDefinitionDiff.Compare(before, after).ShouldBe(
        [
            new TaskDefinitionChange("cpu", "\"256\"", "\"512\""),
            new TaskDefinitionChange("containerDefinitions[api].image", "\"repo/api:1\"", "\"repo/api:2\""),
        ]);
    }

    [Fact]
    public void Environment_and_secret_values_are_never_shown()
    {
        var before = Parse("""{ "containerDefinitions": [ { "name": "api", "environment": [ { "name": "DB_PASSWORD", "value": "old-secret" } ], "secrets": [ { "name": "K", "valueFrom": "arn:old" } ] } ] }""");
        var after = Parse("""{ "containerDefinitions": [ { "name": "api", "environment": [ { "name": "DB_PASSWORD", "value": "new-secret" } ], "secrets": [ { "name": "K", "valueFrom": "arn:new" } ] } ] }""");

        var changes = TaskDefinitionDiff.Compare(before, after);

        changes.Select(c => c.Path).ShouldBe(["containerDefinitions[api].environment[DB_PASSWORD].value", "containerDefinitions[api].secrets[K].valueFrom"]);
        changes.ShouldAllBe(c => c.Before == TaskDefinitionDiff.Hidden && c.After == TaskDefinitionDiff.Hidden);
    }

    [Fact]
    public void Added_and_removed_members_are_listed()
    {
        var changes = TaskDefinitionDiff.Compare(Parse("""{ "revision": 3, "family": "a" }"""), Parse("""{ "family": "a", "memory": "1024" }"""));

        changes.ShouldBe([new TaskDefinitionChange("revision", "3", null), new TaskDefinitionChange("memory", null, "\"1024\"")]);
    }

    [Fact]
    public void A_render_changes_only_the_image_beside_the_read_only_fields()
    {
        var described = Parse("""
            { "taskDefinitionArn": "arn:aws:ecs:us-east-1:1:task-definition/api:3", "family": "api", "revision": 3, "status": "ACTIVE",
              "containerDefinitions": [ { "name": "api", "image": "repo/api:1", "environment": [ { "name": "A", "value": "b" } ] } ] }
            """);

        var rendered = TaskDefinitionRenderer.Render(described, null, "repo/api:2", null);
        var changes = TaskDefinitionDiff.Compare(described, rendered.Request).Where(c => !TaskDefinitionRenderer.ReadOnlyFields.Contains(c.Path));

        changes.ShouldBe([new TaskDefinitionChange("containerDefinitions[api].image", "\"repo/api:1\"", "\"repo/api:2\"")]);
    }
}
