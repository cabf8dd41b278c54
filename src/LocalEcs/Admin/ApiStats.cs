using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace LocalEcs.Admin;

/// Counts of API calls per operation and of load-balancer requests, served by /_localecs/stats.
internal sealed class ApiStats
{
    private readonly ConcurrentDictionary<string, long> _calls = new(StringComparer.Ordinal);
    private long _loadBalancerRequests;

    public void CountApiCall(string operation) => _calls.AddOrUpdate(operation, 1, (_, n) => n + 1);

    public void CountLoadBalancerRequest() => Interlocked.Increment(ref _loadBalancerRequests);

    public JsonObject ToJson()
    {
        var calls = new JsonObject();
        foreach (var (operation, count) in _calls.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            calls[operation] = count;
        }

        return new JsonObject
        {
            ["apiCalls"] = calls,
            ["totalApiCalls"] = _calls.Values.Sum(),
            ["loadBalancerRequests"] = Interlocked.Read(ref _loadBalancerRequests),
        };
    }

    public void Reset()
    {
        _calls.Clear();
        Interlocked.Exchange(ref _loadBalancerRequests, 0);
    }
}
