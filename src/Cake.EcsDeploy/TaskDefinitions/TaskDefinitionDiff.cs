using System.Text.Json.Nodes;

namespace Cake.EcsDeploy.TaskDefinitions;

/// <summary>One difference between two task-definition documents.</summary>
/// <param name="Path">Where, e.g. <c>containerDefinitions[api].image</c>.</param>
/// <param name="Before">The value before (JSON), or null when the member was added.</param>
/// <param name="After">The value after (JSON), or null when the member was removed.</param>
public sealed record TaskDefinitionChange(string Path, string? Before, string? After);

/// <summary>
/// Compares two task-definition documents member by member (containers matched by name), for the Plan target.
/// Pure. Values under <c>environment</c> and <c>secrets</c> are never shown, only that they changed.
/// </summary>
public static class TaskDefinitionDiff
{
    /// <summary>What a hidden value is shown as.</summary>
    public const string Hidden = "(hidden)";

    /// <summary>The changes from <paramref name="before"/> to <paramref name="after"/>, in document order.</summary>
    public static IReadOnlyList<TaskDefinitionChange> Compare(JsonObject before, JsonObject after)
    {
        var changes = new List<TaskDefinitionChange>();
        Walk("", before, after, hidden: false, changes);
        return changes;
    }

    private static void Walk(string path, JsonNode? before, JsonNode? after, bool hidden, List<TaskDefinitionChange> changes)
    {
        if (JsonNode.DeepEquals(before, after))
        {
            return;
        }

        switch (before, after)
        {
            case (JsonObject b, JsonObject a):
                foreach (var name in b.Select(p => p.Key).Concat(a.Select(p => p.Key).Where(k => !b.ContainsKey(k))))
                {
                    Walk(Join(path, name), b[name], a[name], hidden || name is "environment" or "secrets", changes);
                }

                return;

            case (JsonArray b, JsonArray a) when Named(b) && Named(a):
                // Containers (and other named items) are matched by name, so a reordering is not a change.
                foreach (var name in Names(b).Concat(Names(a).Where(n => !Names(b).Contains(n))))
                {
                    Walk($"{path}[{name}]", ByName(b, name), ByName(a, name), hidden, changes);
                }

                return;

            default:
                changes.Add(new TaskDefinitionChange(path, Show(before, hidden), Show(after, hidden)));
                return;
        }
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;

    private static bool Named(JsonArray array) => array.Count > 0 && array.All(i => i is JsonObject o && o["name"] is JsonValue);

    private static List<string> Names(JsonArray array) => [.. array.Select(i => (string?)i!["name"] ?? "")];

    private static JsonNode? ByName(JsonArray array, string name) => array.FirstOrDefault(i => (string?)i!["name"] == name);

    private static string? Show(JsonNode? value, bool hidden) => value is null ? null : hidden ? Hidden : value.ToJsonString();
}
