using System.Text.Json.Nodes;

namespace Cake.EcsDeploy.TaskDefinitions;

/// <summary>A task definition ready for RegisterTaskDefinition, and what changed in it.</summary>
/// <param name="Request">The RegisterTaskDefinition request: the backup with the new image and without read-only fields.</param>
/// <param name="Container">The container whose image was set.</param>
/// <param name="PreviousImage">That container's image in the backup.</param>
public sealed record RenderedTaskDefinition(JsonObject Request, string Container, string PreviousImage);

/// <summary>
/// Pure task-definition rules: JSON in, JSON out, no I/O. Turns a described task definition (the backup) into the
/// request that registers the new revision, changing nothing but the image.
/// </summary>
public static class TaskDefinitionRenderer
{
    /// <summary>
    /// Members DescribeTaskDefinition returns that RegisterTaskDefinition rejects ("Unknown parameter").
    /// </summary>
    public static readonly IReadOnlyList<string> ReadOnlyFields =
    [
        "taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities",
        "registeredAt", "registeredBy", "deregisteredAt", "deleteRequestedAt",
    ];

    /// <summary>
    /// Renders the RegisterTaskDefinition request: a copy of <paramref name="described"/> with <paramref name="image"/>
    /// in the chosen container, the read-only members removed, and the revision's tags (if any) carried over.
    /// </summary>
    /// <param name="described">The task definition as DescribeTaskDefinition returned it (not modified).</param>
    /// <param name="tags">The revision's tags from DescribeTaskDefinition (<c>include: ["TAGS"]</c>), or null.</param>
    /// <param name="image">The new image reference.</param>
    /// <param name="container">The container to change; may be null when the task definition has exactly one container.</param>
    /// <exception cref="EcsDeployInputException">The image is malformed, or the container cannot be chosen.</exception>
    public static RenderedTaskDefinition Render(JsonObject described, JsonArray? tags, string image, string? container)
    {
        ImageReference.Validate(image);
        var request = ToRegisterRequest(described, tags);
        var target = FindContainer(request, container);
        var previous = (string?)target["image"] ?? "";
        target["image"] = image;
        return new RenderedTaskDefinition(request, (string)target["name"]!, previous);
    }

    /// <summary>
    /// The RegisterTaskDefinition request that registers <paramref name="described"/> again, unchanged: the read-only
    /// members removed, its tags carried over. Used to restore a backed-up revision that was deregistered meanwhile.
    /// </summary>
    public static JsonObject ToRegisterRequest(JsonObject described, JsonArray? tags)
    {
        var request = (JsonObject)described.DeepClone();
        foreach (var field in ReadOnlyFields)
        {
            request.Remove(field);
        }

        if (tags is { Count: > 0 })
        {
            request["tags"] = tags.DeepClone();
        }
        else
        {
            request.Remove("tags");
        }

        return request;
    }

    /// <summary>The image of the chosen container (or of the only one); null when it cannot be chosen.</summary>
    public static string? ImageOf(JsonObject taskDefinition, string? container)
    {
        var containers = (taskDefinition["containerDefinitions"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var chosen = string.IsNullOrEmpty(container)
            ? (containers.Count == 1 ? containers[0] : null)
            : containers.FirstOrDefault(c => (string?)c["name"] == container);
        return (string?)chosen?["image"];
    }

    /// <summary>
    /// Whether a described revision is what <paramref name="request"/> registers: every member of the request equals
    /// the described one. Tells a registration that ECS applied (though its answer was lost) from one it did not.
    /// </summary>
    public static bool Matches(JsonObject described, JsonObject request) =>
        request.Where(member => member.Key != "tags").All(member => JsonNode.DeepEquals(member.Value, described[member.Key]));

    /// <summary>The container names of a task definition, in order.</summary>
    public static IReadOnlyList<string> ContainerNames(JsonObject taskDefinition) =>
        (taskDefinition["containerDefinitions"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Select(c => (string?)c["name"] ?? "")
            .ToList();

    private static JsonObject FindContainer(JsonObject request, string? name)
    {
        var containers = (request["containerDefinitions"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var names = string.Join(", ", containers.Select(c => (string?)c["name"]));
        if (containers.Count == 0)
        {
            throw new EcsDeployInputException("The service's task definition has no containerDefinitions; there is no container to put the image in. Nothing was changed in ECS.");
        }

        if (string.IsNullOrEmpty(name))
        {
            return containers.Count == 1
                ? containers[0]
                : throw new EcsDeployInputException(
                    $"The task definition has {containers.Count} containers ({names}); pass --container=<name> to say which one gets the new image. Nothing was changed in ECS.");
        }

        return containers.FirstOrDefault(c => (string?)c["name"] == name)
            ?? throw new EcsDeployInputException(
                $"The task definition has no container named '{name}'; its containers are: {names}. Fix --container. Nothing was changed in ECS.");
    }
}
