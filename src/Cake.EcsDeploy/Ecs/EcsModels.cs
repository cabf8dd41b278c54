using System.Text.Json.Nodes;

namespace Cake.EcsDeploy.Ecs;

// The members of ECS's shapes that this tool reads; names follow botocore's ECS model.

/// <summary>An ECS service as DescribeServices reports it.</summary>
public sealed record EcsService(
    string ServiceArn,
    string ServiceName,
    string? ClusterArn,
    string Status,
    int DesiredCount,
    int RunningCount,
    int PendingCount,
    string TaskDefinition,
    IReadOnlyList<EcsDeployment>? Deployments,
    IReadOnlyList<EcsServiceEvent>? Events)
{
    /// <summary>The deployment ECS is rolling out or has settled on (status PRIMARY).</summary>
    public EcsDeployment? PrimaryDeployment => Deployments?.FirstOrDefault(d => d.Status == "PRIMARY");
}

/// <summary>One deployment of a service (PRIMARY, ACTIVE or INACTIVE).</summary>
public sealed record EcsDeployment(
    string Id,
    string Status,
    string TaskDefinition,
    int DesiredCount,
    int PendingCount,
    int RunningCount,
    int FailedTasks,
    string? RolloutState,
    string? RolloutStateReason,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? UpdatedAt);

/// <summary>A service event message, such as "has reached a steady state".</summary>
public sealed record EcsServiceEvent(string Id, DateTimeOffset CreatedAt, string Message);

/// <summary>A task as DescribeTasks reports it.</summary>
public sealed record EcsTask(
    string TaskArn,
    string TaskDefinitionArn,
    string? LastStatus,
    string? DesiredStatus,
    string? StoppedReason,
    string? StopCode,
    IReadOnlyList<EcsContainer>? Containers);

/// <summary>A container of a task.</summary>
public sealed record EcsContainer(string Name, string? LastStatus, int? ExitCode, string? Reason);

/// <summary>A resource tag.</summary>
public sealed record EcsTag(string Key, string? Value);

/// <summary>A failure entry of a Describe* response, such as a missing service.</summary>
public sealed record EcsFailure(string? Arn, string? Reason, string? Detail);

/// <summary>DescribeTaskDefinition's answer: the task definition exactly as ECS returned it, and its tags.</summary>
public sealed record DescribedTaskDefinition(JsonObject TaskDefinition, IReadOnlyList<EcsTag> Tags)
{
    /// <summary>The revision's ARN.</summary>
    public string Arn => (string?)TaskDefinition["taskDefinitionArn"] ?? throw new InvalidOperationException("taskDefinitionArn missing.");

    /// <summary>The tags as RegisterTaskDefinition takes them (a JSON array of key/value objects).</summary>
    public System.Text.Json.Nodes.JsonArray TagsJson() =>
        new([.. Tags.Select(t => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject { ["key"] = t.Key, ["value"] = t.Value })]);
}

/// <summary>What CreateService needs for a simple service (used by the demo and tests).</summary>
public sealed record CreateServiceRequest(
    string Cluster,
    string ServiceName,
    string TaskDefinition,
    int DesiredCount,
    JsonObject? DeploymentConfiguration = null);
