namespace LocalEcs.Model;

internal sealed class DeploymentState
{
    public required string Id { get; init; }
    public required TaskDefinitionState TaskDefinition { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public string? LaunchType { get; init; }
    public string Status { get; set; } = "PRIMARY";
    public DateTimeOffset UpdatedAt { get; set; }
    public int FailedTasks { get; set; }
    public string RolloutState { get; set; } = "IN_PROGRESS";
    public string RolloutStateReason { get; set; } = "";
}
