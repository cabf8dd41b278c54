using System.Text.Json;
using System.Text.Json.Nodes;

namespace LocalEcs.Faults;

/// Which API calls one kind of fault hits (see README "Faults on demand").
/// A matching call is hit while <see cref="Next"/> is above 0 (each hit uses one up); after that, with
/// probability <see cref="Rate"/>, drawn from the seeded Random.
public sealed record FaultRule
{
    /// Share of matching calls, 0 to 1.
    public double Rate { get; init; }

    /// The next N matching calls are hit, before <see cref="Rate"/> applies.
    public int Next { get; init; }

    /// Operation names such as "RegisterTaskDefinition" (case-insensitive). Empty: every operation.
    public IReadOnlyList<string> Operations { get; init; } = [];

    /// serverError and dropConnection only: run the call (its effects stay), then fail instead of answering.
    public bool FailAfterApplying { get; init; }

    public bool IsSet => Rate > 0 || Next > 0;

    public bool Matches(string operation) =>
        Operations.Count == 0 || Operations.Contains(operation, StringComparer.OrdinalIgnoreCase);
}

/// Added latency: <see cref="Delay"/> before matching calls are handled. Which calls: as in <see cref="FaultRule"/>,
/// except that <see cref="Rate"/> defaults to 1 (every matching call).
public sealed record LatencyRule
{
    public TimeSpan Delay { get; init; }

    public double Rate { get; init; } = 1;

    public int Next { get; init; }

    public IReadOnlyList<string> Operations { get; init; } = [];

    public bool IsSet => Delay > TimeSpan.Zero && (Rate > 0 || Next > 0);

    public FaultRule Selection => new() { Rate = Rate, Next = Next, Operations = Operations };
}

/// All API fault settings: the JSON of GET/PUT /_localecs/faults, and the start-up options.
public sealed record ApiFaultSettings
{
    public const int DefaultSeed = 1;

    /// Seed of the Random that decides "rate" faults. Replacing the settings restarts the sequence.
    public int Seed { get; init; } = DefaultSeed;

    public FaultRule Throttle { get; init; } = new();
    public FaultRule ServerError { get; init; } = new();
    public FaultRule DropConnection { get; init; } = new();
    public LatencyRule Latency { get; init; } = new();

    public static ApiFaultSettings None { get; } = new();

    public JsonObject ToJson() => new()
    {
        ["seed"] = Seed,
        ["throttle"] = RuleJson(Throttle, afterApplying: false),
        ["serverError"] = RuleJson(ServerError, afterApplying: true),
        ["dropConnection"] = RuleJson(DropConnection, afterApplying: true),
        ["latency"] = new JsonObject
        {
            ["delayMs"] = Latency.Delay.TotalMilliseconds,
            ["rate"] = Latency.Rate,
            ["next"] = Latency.Next,
            ["operations"] = Operations(Latency.Operations),
        },
    };

    /// Parses a PUT body. Absent or null members mean "no fault"; unknown members are rejected so typos don't
    /// silently do nothing. Throws <see cref="FormatException"/> with a message for the caller.
    public static ApiFaultSettings FromJson(string text, int defaultSeed)
    {
        JsonNode? node;
        try
        {
            node = string.IsNullOrWhiteSpace(text) ? new JsonObject() : JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw new FormatException("Malformed JSON: " + e.Message, e);
        }

        if (node is not JsonObject body)
        {
            throw new FormatException("The body must be a JSON object.");
        }

        var settings = new ApiFaultSettings { Seed = defaultSeed };
        foreach (var (name, value) in body)
        {
            settings = name switch
            {
                "seed" => settings with { Seed = Integer(value, "seed", int.MinValue) },
                "throttle" => settings with { Throttle = ParseRule(value, name, allowAfterApplying: false) },
                "serverError" => settings with { ServerError = ParseRule(value, name, allowAfterApplying: true) },
                "dropConnection" => settings with { DropConnection = ParseRule(value, name, allowAfterApplying: true) },
                "latency" => settings with { Latency = ParseLatency(value) },
                _ => throw new FormatException(
                    $"Unknown member '{name}'. Expected seed, throttle, serverError, dropConnection, latency."),
            };
        }

        return settings;
    }

    private static JsonObject RuleJson(FaultRule rule, bool afterApplying)
    {
        var json = new JsonObject
        {
            ["rate"] = rule.Rate,
            ["next"] = rule.Next,
            ["operations"] = Operations(rule.Operations),
        };
        if (afterApplying)
        {
            json["failAfterApplying"] = rule.FailAfterApplying;
        }

        return json;
    }

    private static JsonArray Operations(IReadOnlyList<string> operations) =>
        new(operations.Select(o => (JsonNode?)JsonValue.Create(o)).ToArray());

    private static FaultRule ParseRule(JsonNode? value, string name, bool allowAfterApplying)
    {
        if (value is null)
        {
            return new FaultRule();
        }

        if (value is not JsonObject rule)
        {
            throw new FormatException($"'{name}' must be an object.");
        }

        var result = new FaultRule();
        foreach (var (member, v) in rule)
        {
            var path = $"{name}.{member}";
            result = member switch
            {
                "rate" => result with { Rate = Rate(v, path) },
                "next" => result with { Next = Integer(v, path, 0) },
                "operations" => result with { Operations = OperationList(v, path) },
                "failAfterApplying" when allowAfterApplying => result with { FailAfterApplying = Boolean(v, path) },
                _ => throw new FormatException(
                    $"Unknown member '{path}'. Expected rate, next, operations{(allowAfterApplying ? ", failAfterApplying" : "")}."),
            };
        }

        return result;
    }

    private static LatencyRule ParseLatency(JsonNode? value)
    {
        if (value is null)
        {
            return new LatencyRule();
        }

        if (value is not JsonObject rule)
        {
            throw new FormatException("'latency' must be an object.");
        }

        var result = new LatencyRule { Rate = rule.ContainsKey("next") && !rule.ContainsKey("rate") ? 0 : 1 };
        foreach (var (member, v) in rule)
        {
            var path = "latency." + member;
            result = member switch
            {
                "delayMs" => result with { Delay = TimeSpan.FromMilliseconds(NonNegative(v, path)) },
                "rate" => result with { Rate = Rate(v, path) },
                "next" => result with { Next = Integer(v, path, 0) },
                "operations" => result with { Operations = OperationList(v, path) },
                _ => throw new FormatException($"Unknown member '{path}'. Expected delayMs, rate, next, operations."),
            };
        }

        return result;
    }

    private static double Number(JsonNode? value, string path) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            ? v.GetValue<double>()
            : throw new FormatException($"'{path}' must be a number.");

    private static double NonNegative(JsonNode? value, string path)
    {
        var number = Number(value, path);
        return number >= 0 && number <= int.MaxValue ? number : throw new FormatException($"'{path}' must be between 0 and {int.MaxValue}.");
    }

    private static double Rate(JsonNode? value, string path)
    {
        var rate = Number(value, path);
        return rate is >= 0 and <= 1 ? rate : throw new FormatException($"'{path}' must be between 0 and 1.");
    }

    private static int Integer(JsonNode? value, string path, int minimum)
    {
        var number = Number(value, path);
        return number == Math.Floor(number) && number >= minimum && number <= int.MaxValue
            ? (int)number
            : throw new FormatException($"'{path}' must be an integer{(minimum == 0 ? " of 0 or more" : "")}.");
    }

    private static bool Boolean(JsonNode? value, string path) =>
        value is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False
            ? v.GetValue<bool>()
            : throw new FormatException($"'{path}' must be true or false.");

    private static IReadOnlyList<string> OperationList(JsonNode? value, string path)
    {
        if (value is null)
        {
            return [];
        }

        if (value is not JsonArray array)
        {
            throw new FormatException($"'{path}' must be an array of operation names.");
        }

        return array.Select(o => o is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Length > 0
                ? v.GetValue<string>()
                : throw new FormatException($"'{path}' must contain only non-empty strings."))
            .ToList();
    }

    /// "a,b, c" → [a, b, c], for the command-line options.
    internal static IReadOnlyList<string> SplitOperations(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
