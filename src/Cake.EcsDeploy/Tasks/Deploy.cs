namespace Cake.EcsDeploy.Tasks;

/// <summary>
/// The target: depends on the five steps and turns their outcome into the build's result, report.json and exit code.
/// Succeeds only when the new revision was deployed and verified; otherwise fails the build with a message that
/// says what happened to the service and what to do.
/// </summary>
public sealed class Deploy : EcsDeployTask
{
    /// <inheritdoc />
    public override string Description => "Backs up, renders, deploys, verifies and (on failure) rolls back; fails the build unless the new version was deployed and verified.";

    /// <inheritdoc />
    public override bool ShouldRun(EcsDeployRun run) => true;

    /// <inheritdoc />
    public override bool RecordsErrors => false;

    /// <inheritdoc />
    public override bool ReportsOutcome => true;

    /// <inheritdoc />
    public override Task RunAsync(EcsDeployRun run)
    {
        EndRun(run);
        return Task.CompletedTask;
    }
}
