using System.Text.Json.Nodes;
using LocalEcs.Model;
using LocalEcs.Simulation;

namespace LocalEcs.Api;

/// One API call, handled while holding the store's lock.
internal sealed class EcsRequest(RegionState region, JsonObject input, DateTimeOffset now, DeploymentScheduler scheduler)
{
    public RegionState Region { get; } = region;
    public JsonObject Input { get; } = input;
    public DateTimeOffset Now { get; } = now;
    public DeploymentScheduler Scheduler { get; } = scheduler;

    /// The cluster named by the "cluster" member; ECS uses "default" when it is omitted.
    public ClusterState Cluster(string member = "cluster")
    {
        var name = Arns.ClusterName(Input.Str(member) ?? "default");
        return Region.Clusters.TryGetValue(name, out var cluster) && cluster.Status == "ACTIVE"
            ? cluster
            : throw EcsException.ClusterNotFound();
    }

    public string Required(string member) =>
        Input.Str(member) is { Length: > 0 } value
            ? value
            : throw EcsException.InvalidParameter($"{member} can not be blank.");

    /// Latest ACTIVE revision for a bare family, the exact revision otherwise; null when none exists.
    public TaskDefinitionState? FindTaskDefinition(string reference)
    {
        var (family, revision) = Arns.TaskDefinitionReference(reference);
        if (!Region.Families.TryGetValue(family, out var revisions))
        {
            return null;
        }

        return revision is { } number
            ? revisions.FirstOrDefault(r => r.Revision == number)
            : revisions.LastOrDefault(r => r.IsActive);
    }
}
