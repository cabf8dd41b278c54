using System.Text.Json.Nodes;

namespace LocalEcs.Model;

/// One registered revision. Body keeps every member the caller sent (minus tags), so it round-trips.
internal sealed class TaskDefinitionState
{
    public required string Family { get; init; }
    public required int Revision { get; init; }
    public required string Arn { get; init; }
    public required JsonObject Body { get; init; }
    public required DateTimeOffset RegisteredAt { get; init; }
    public string Status { get; set; } = "ACTIVE";
    public DateTimeOffset? DeregisteredAt { get; set; }
    public List<Tag> Tags { get; } = [];

    public bool IsActive => Status == "ACTIVE";

    /// (container name, image) pairs, used by tasks and the image behaviours.
    public IReadOnlyList<(string Name, string Image)> Containers =>
        Body["containerDefinitions"] is JsonArray containers
            ? containers.OfType<JsonObject>()
                .Select(c => (c["name"]?.GetValue<string>() ?? "", c["image"]?.GetValue<string>() ?? ""))
                .ToList()
            : [];
}

internal sealed record Tag(string Key, string Value);
