using System.Text.Json.Nodes;
using LocalEcs.Model;

namespace LocalEcs.Api;

internal static class JsonOutput
{
    /// botocore reads JSON-protocol timestamps as epoch seconds; fractional seconds are allowed.
    public static JsonNode Epoch(DateTimeOffset time) => JsonValue.Create(time.ToUnixTimeMilliseconds() / 1000.0);

    public static JsonArray Tags(IEnumerable<Tag> tags) =>
        new(tags.Select(t => (JsonNode)new JsonObject { ["key"] = t.Key, ["value"] = t.Value }).ToArray());

    public static JsonArray Strings(IEnumerable<string> values) =>
        new(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());

    /// Adds the member only when it has a value: ECS omits absent members rather than sending null.
    public static void SetIf(this JsonObject target, string name, string? value)
    {
        if (value is not null)
        {
            target[name] = value;
        }
    }

    public static void SetIf(this JsonObject target, string name, DateTimeOffset? value)
    {
        if (value is { } time)
        {
            target[name] = Epoch(time);
        }
    }

    public static void SetIf(this JsonObject target, string name, int? value)
    {
        if (value is { } number)
        {
            target[name] = number;
        }
    }
}
