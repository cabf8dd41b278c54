using System.Text.Json.Nodes;

namespace LocalEcs.Model;

internal sealed class ServiceState
{
    public required string Name { get; init; }
    public required string Arn { get; init; }
    public required ClusterState Cluster { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public string Status { get; set; } = "ACTIVE";
    public int DesiredCount { get; set; }
    public string? LaunchType { get; init; }
    public DeploymentSettings Deployment { get; } = new();

    /// Newest first; [0] is the PRIMARY deployment.
    public List<DeploymentState> Deployments { get; } = [];

    /// Newest first, as ECS returns them.
    public List<ServiceEvent> Events { get; } = [];

    public List<Tag> Tags { get; } = [];

    /// Request members we do not simulate but echo back, as ECS does (loadBalancers, networkConfiguration...).
    public JsonObject Echo { get; } = [];

    /// The last deployment that reached COMPLETED: the circuit breaker rolls back to it.
    public DeploymentState? LastCompleted { get; set; }

    public bool SteadyStateReported { get; set; }
    public long LoadBalancerCounter { get; set; }

    public DeploymentState Primary => Deployments[0];

    public void AddEvent(DateTimeOffset now, string message)
    {
        Events.Insert(0, new ServiceEvent(Ids.EventId(), now, $"(service {Name}) {message}"));
        // ECS keeps the latest 100 events.
        if (Events.Count > 100)
        {
            Events.RemoveAt(Events.Count - 1);
        }
    }
}

internal sealed record ServiceEvent(string Id, DateTimeOffset CreatedAt, string Message);

internal sealed class DeploymentSettings
{
    public int MaximumPercent { get; set; } = 200;
    public int MinimumHealthyPercent { get; set; } = 100;
    public bool CircuitBreakerEnable { get; set; }
    public bool CircuitBreakerRollback { get; set; }

    /// Other deploymentConfiguration members the caller sent (alarms, strategy...), echoed as given.
    public JsonObject Extra { get; set; } = [];
}
