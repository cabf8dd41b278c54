using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace LocalEcs.Admin;

/// Counts of API calls per operation, of injected faults and of load-balancer requests, served by /_localecs/stats.
internal sealed class ApiStats
{
    /// The fault counters, in the order /_localecs/stats shows them.
    public const string Throttled = "throttled";
    public const string ServerErrors = "serverErrors";
    public const string DroppedConnections = "droppedConnections";
    public const string AppliedThenFailed = "appliedThenFailed";
    public const string DelayedCalls = "delayedCalls";
    public const string AddedLatencyMs = "addedLatencyMs";
    private static readonly string[] FaultCounters = [Throttled, ServerErrors, DroppedConnections, AppliedThenFailed, DelayedCalls, AddedLatencyMs];

    private readonly ConcurrentDictionary<string, long> _calls = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Operation, string Counter), long> _faults = new();
    private long _loadBalancerRequests;

    public void CountApiCall(string operation) => _calls.AddOrUpdate(operation, 1, (_, n) => n + 1);

    public void CountFault(string operation, string counter, long amount = 1) =>
        _faults.AddOrUpdate((operation, counter), amount, (_, n) => n + amount);

    public void CountLoadBalancerRequest() => Interlocked.Increment(ref _loadBalancerRequests);

    public JsonObject ToJson()
    {
        var calls = new JsonObject();
        foreach (var (operation, count) in _calls.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            calls[operation] = count;
        }

        var faults = _faults.ToArray();
        var faultJson = new JsonObject();
        foreach (var counter in FaultCounters)
        {
            faultJson[counter] = faults.Where(f => f.Key.Counter == counter).Sum(f => f.Value);
        }

        var byOperation = new JsonObject();
        foreach (var group in faults.GroupBy(f => f.Key.Operation).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var counters = new JsonObject();
            foreach (var counter in FaultCounters)
            {
                if (group.FirstOrDefault(f => f.Key.Counter == counter) is { Value: > 0 } hit)
                {
                    counters[counter] = hit.Value;
                }
            }

            byOperation[group.Key] = counters;
        }

        faultJson["byOperation"] = byOperation;
        return new JsonObject
        {
            ["apiCalls"] = calls,
            ["totalApiCalls"] = _calls.Values.Sum(),
            ["faults"] = faultJson,
            ["loadBalancerRequests"] = Interlocked.Read(ref _loadBalancerRequests),
        };
    }

    public void Reset()
    {
        _calls.Clear();
        _faults.Clear();
        Interlocked.Exchange(ref _loadBalancerRequests, 0);
    }
}
