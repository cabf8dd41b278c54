using System.Text.Json;

namespace EcsModel;

/// <summary>
/// botocore's ECS waiters (<c>waiters-2.json</c> next to the service model), parsed only: acceptors are exposed as
/// data, there is no JMESPath engine here.
/// </summary>
public sealed class BotocoreEcsWaiters
{
    private readonly Dictionary<string, Waiter> _waiters;

    private BotocoreEcsWaiters(Dictionary<string, Waiter> waiters)
    {
        _waiters = waiters;
        WaiterNames = waiters.Keys.Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>All waiter names, sorted ordinally (e.g. ServicesStable, TasksStopped).</summary>
    public IReadOnlyCollection<string> WaiterNames { get; }

    /// <summary>The acceptors of the <c>ServicesStable</c> waiter, in model order.</summary>
    public IReadOnlyList<(string State, string Matcher, string Argument, JsonElement Expected)> ServicesStable =>
        Acceptors("ServicesStable");

    /// <summary>
    /// Finds <c>waiters-2.json</c> beside the installed botocore's ECS service model (see
    /// <see cref="BotocoreEcsModel.LoadInstalled"/> for how it is found).
    /// </summary>
    public static BotocoreEcsWaiters LoadInstalled()
    {
        var model = BotocoreLocator.FindServiceModel();
        var path = Path.Combine(Path.GetDirectoryName(model)!, "waiters-2.json");
        return File.Exists(path)
            ? Load(path)
            : throw new InvalidOperationException($"No waiters-2.json beside '{model}'.");
    }

    /// <summary>Loads a botocore <c>waiters-2.json</c> file.</summary>
    public static BotocoreEcsWaiters Load(string waitersPath)
    {
        using var stream = File.OpenRead(waitersPath);
        using var document = JsonDocument.Parse(stream);
        var waiters = new Dictionary<string, Waiter>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.GetProperty("waiters").EnumerateObject())
        {
            var w = property.Value;
            var acceptors = w.GetProperty("acceptors").EnumerateArray()
                .Select(a => (
                    State: a.GetProperty("state").GetString()!,
                    Matcher: a.GetProperty("matcher").GetString()!,
                    Argument: a.TryGetProperty("argument", out var argument) ? argument.GetString() ?? "" : "",
                    Expected: a.GetProperty("expected").Clone()))
                .ToArray();
            waiters[property.Name] = new Waiter(
                w.GetProperty("operation").GetString()!,
                w.GetProperty("delay").GetInt32(),
                w.GetProperty("maxAttempts").GetInt32(),
                acceptors);
        }

        return new BotocoreEcsWaiters(waiters);
    }

    /// <summary>The operation a waiter polls, e.g. <c>DescribeServices</c>.</summary>
    public string Operation(string waiterName) => Get(waiterName).Operation;

    /// <summary>Seconds between polls.</summary>
    public int Delay(string waiterName) => Get(waiterName).Delay;

    /// <summary>Maximum number of polls.</summary>
    public int MaxAttempts(string waiterName) => Get(waiterName).MaxAttempts;

    /// <summary>A waiter's acceptors in model order; <c>Argument</c> is empty for matchers without one (status, error).</summary>
    public IReadOnlyList<(string State, string Matcher, string Argument, JsonElement Expected)> Acceptors(string waiterName) =>
        Get(waiterName).Acceptors;

    private Waiter Get(string name) =>
        _waiters.TryGetValue(name, out var waiter)
            ? waiter
            : throw new ArgumentException($"'{name}' is not an ECS waiter; known: {string.Join(", ", WaiterNames)}.", nameof(name));

    private sealed record Waiter(
        string Operation,
        int Delay,
        int MaxAttempts,
        (string State, string Matcher, string Argument, JsonElement Expected)[] Acceptors);
}
