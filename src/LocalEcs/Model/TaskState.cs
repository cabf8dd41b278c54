namespace LocalEcs.Model;

internal sealed class TaskState
{
    public required string Id { get; init; }
    public required string Arn { get; init; }
    public required string ClusterArn { get; init; }
    public required ServiceState Service { get; init; }
    public required string DeploymentId { get; init; }
    public required TaskDefinitionState TaskDefinition { get; init; }
    public required ImageBehaviour Behaviour { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public string? LaunchType { get; init; }

    public string LastStatus { get; set; } = "PROVISIONING";
    public string DesiredStatus { get; set; } = "RUNNING";
    public DateTimeOffset? PullStartedAt { get; set; }
    public DateTimeOffset? PullStoppedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? StoppingAt { get; set; }
    public DateTimeOffset? StoppedAt { get; set; }
    public string? StoppedReason { get; set; }
    public string? StopCode { get; set; }
    public int? ExitCode { get; set; }
    public long Version { get; set; } = 1;

    /// Requests the load balancer sent to this task (flap-N images turn to 503 after N).
    public long LoadBalancerRequests { get; set; }

    public string Group => "service:" + Service.Name;
    public bool IsStopped => LastStatus == "STOPPED";
    public bool WantsToRun => DesiredStatus == "RUNNING";
    public bool IsServing => LastStatus == "RUNNING" && WantsToRun;
    public bool IsStarting => WantsToRun && LastStatus != "RUNNING";
}
