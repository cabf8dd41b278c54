using System.Text.Json.Nodes;
using Cake.EcsDeploy.Deployments;
using Cake.EcsDeploy.Verification;

namespace Cake.EcsDeploy.Reporting;

/// <summary>
/// report.json: how the run ended (outcome, exit code, message), the revisions involved, the timeline, every
/// verification attempt and the service events seen. Built only from what the run observed; it never holds a task
/// definition's environment, secrets or any credential.
/// </summary>
public static class DeployReport
{
    /// <summary>Builds the report of <paramref name="run"/> as it stands.</summary>
    public static JsonObject Build(EcsDeployRun run)
    {
        var state = run.State;
        var finishedAt = run.Time.GetUtcNow();
        var outcome = state.Outcome;
        return new JsonObject
        {
            ["outcome"] = DeployOutcomes.Name(outcome),
            ["exitCode"] = state.ExitCode,
            ["message"] = OutcomeMessage.For(run).Trim(),
            ["target"] = run.Target,
            ["cluster"] = state.Backup?.Cluster ?? run.Settings.Cluster,
            ["service"] = state.Backup?.Service ?? run.Settings.Service,
            ["image"] = state.ManualRollback ? null : run.Settings.Image,
            ["container"] = state.Rendered?.Container ?? run.Settings.Container,
            ["previousImage"] = state.Rendered?.PreviousImage,
            ["revisions"] = new JsonObject
            {
                ["previous"] = state.Backup?.TaskDefinitionArn,
                ["new"] = state.NewTaskDefinitionArn,
                ["rolledBackTo"] = state.RolledBack || state.RollbackFailure is not null ? state.RollbackTaskDefinitionArn ?? state.Backup?.TaskDefinitionArn : null,
                ["backupReregistered"] = state.BackupReregistered,
                ["deregistered"] = state.DeregisteredTaskDefinitionArn,
            },
            ["failure"] = state.Failure is null ? null : new JsonObject { ["step"] = state.FailedStep, ["reason"] = state.Failure, ["input"] = state.FailureIsInput },
            ["rollbackFailure"] = state.RollbackFailure,
            ["startedAt"] = run.StartedAt.ToString("O"),
            ["finishedAt"] = finishedAt.ToString("O"),
            ["durationSeconds"] = Math.Round((finishedAt - run.StartedAt).TotalSeconds, 3),
            ["timeline"] = new JsonArray([.. state.Timeline.Select(e => (JsonNode)new JsonObject
            {
                ["at"] = e.At.ToString("O"),
                ["elapsedSeconds"] = Math.Round((e.At - run.StartedAt).TotalSeconds, 3),
                ["step"] = e.Step,
                ["event"] = e.Message,
            })]),
            ["deployment"] = Deployment(state.Deployment),
            ["verification"] = Verification(state.Verification),
            ["rollback"] = state.RollbackDeployment is null && state.RollbackVerification is null ? null : new JsonObject
            {
                ["deployment"] = Deployment(state.RollbackDeployment),
                ["verification"] = Verification(state.RollbackVerification),
            },
            ["serviceEvents"] = new JsonArray([.. new[] { state.Deployment, state.RollbackDeployment }
                .SelectMany(d => d?.Events ?? [])
                .DistinctBy(e => e.Id)
                .Select(e => (JsonNode)new JsonObject { ["createdAt"] = e.CreatedAt.ToString("O"), ["message"] = e.Message })]),
        };
    }

    private static JsonObject? Deployment(DeploymentResult? result) => result is null ? null : new JsonObject
    {
        ["end"] = result.End.ToString(),
        ["summary"] = result.Summary,
        ["elapsedSeconds"] = Math.Round(result.Elapsed.TotalSeconds, 3),
    };

    private static JsonObject? Verification(VerificationResult? result) => result is null ? null : new JsonObject
    {
        ["passed"] = result.Passed,
        ["summary"] = result.Summary,
        ["attempts"] = new JsonArray([.. result.Attempts.Select(a => (JsonNode)new JsonObject
        {
            ["number"] = a.Number,
            ["atSeconds"] = Math.Round(a.At.TotalSeconds, 3),
            ["status"] = a.Status,
            ["passed"] = a.Passed,
            ["detail"] = a.Detail,
        })]),
    };
}
