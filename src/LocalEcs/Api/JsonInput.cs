using System.Text.Json;
using System.Text.Json.Nodes;
using LocalEcs.Model;

namespace LocalEcs.Api;

/// Lenient readers for request members: a member of the wrong JSON type is a client error, never a crash.
internal static class JsonInput
{
    public static string? Str(this JsonObject input, string name) => input[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => throw Serialization(name),
    };

    public static int? Int(this JsonObject input, string name) => input[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var i) => i,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => (int)v.GetValue<double>(),
        _ => throw Serialization(name),
    };

    public static bool? Bool(this JsonObject input, string name) => input[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        _ => throw Serialization(name),
    };

    public static List<string> StrList(this JsonObject input, string name) => input[name] switch
    {
        null => [],
        JsonArray a => a.Select(n => n is JsonValue v && v.GetValueKind() == JsonValueKind.String
            ? v.GetValue<string>()
            : throw Serialization(name)).ToList(),
        _ => throw Serialization(name),
    };

    public static JsonObject? Obj(this JsonObject input, string name) => input[name] switch
    {
        null => null,
        JsonObject o => o,
        _ => throw Serialization(name),
    };

    public static List<Tag> Tags(this JsonObject input, string name = "tags") => input[name] switch
    {
        null => [],
        JsonArray a => a.Select(n => n is JsonObject o
            ? new Tag(o.Str("key") ?? "", o.Str("value") ?? "")
            : throw Serialization(name)).ToList(),
        _ => throw Serialization(name),
    };

    public static bool Includes(this JsonObject input, string field) =>
        input.StrList("include").Contains(field, StringComparer.Ordinal);

    private static EcsException Serialization(string member) =>
        new("SerializationException", $"Unexpected JSON type for member '{member}'.");
}
