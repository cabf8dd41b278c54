using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cake.EcsDeploy.Ecs;

/// <summary>JSON settings of ECS's JSON 1.1 protocol: camelCase members, no nulls, timestamps as epoch seconds.</summary>
internal static class EcsJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new EpochSecondsConverter() },
    };

    /// <summary>botocore's JSON protocol sends timestamps as (fractional) seconds since the epoch.</summary>
    private sealed class EpochSecondsConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String
                ? DateTimeOffset.Parse(reader.GetString()!, System.Globalization.CultureInfo.InvariantCulture)
                : DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(reader.GetDouble() * 1000));

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteNumberValue(value.ToUnixTimeMilliseconds() / 1000.0);
    }
}
