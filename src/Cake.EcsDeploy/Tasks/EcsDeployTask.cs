using Cake.EcsDeploy.Reporting;

namespace Cake.EcsDeploy.Tasks;

/// <summary>
/// A step of the deploy, shaped like a Frosting task (Run, ShouldRun, OnError) but typed against
/// <see cref="EcsDeployRun"/> rather than a Cake context, so a Frosting host could wrap it later unchanged.
/// </summary>
public abstract class EcsDeployTask
{
    /// <summary>The task's name in Cake: the class name.</summary>
    public string Name => GetType().Name;

    /// <summary>What the task does, shown by <c>--description</c>/<c>--tree</c>.</summary>
    public abstract string Description { get; }

    /// <summary>Whether the task should run given what the run has learned; by default only while nothing has failed.</summary>
    public virtual bool ShouldRun(EcsDeployRun run) => run.State.Failure is null;

    /// <summary>Why the task is skipped when <see cref="ShouldRun"/> is false.</summary>
    public virtual string SkipReason => "an earlier step failed";

    /// <summary>Does the work.</summary>
    public abstract Task RunAsync(EcsDeployRun run);

    /// <summary>
    /// True when the task records its failure (<see cref="OnError"/>) so the run goes on to Rollback and Deploy,
    /// which report it. Deploy itself reports, and so does not record.
    /// </summary>
    public virtual bool RecordsErrors => true;

    /// <summary>True for the tasks that end a run and write its report (Deploy, and Rollback run as the target).</summary>
    public virtual bool ReportsOutcome => false;

    /// <summary>Records a failure so that Rollback and Deploy can act on it.</summary>
    public virtual void OnError(Exception exception, EcsDeployRun run)
    {
        run.State.RecordFailure(Name, exception.Message, exception is EcsDeployInputException);
        run.Mark(Name, "failed: " + exception.Message);
        run.Log.Error($"{Name} failed: {exception.Message}");
        run.SaveProgress(run.State.ServiceChanged ? "failed" : "failed-before-change");
    }

    /// <summary>
    /// Ends a run: writes report.json and the final state, prints the summary table, and in GitHub Actions
    /// (<c>GITHUB_ACTIONS=true</c>) the job summary, step outputs and annotations; then fails the build with the
    /// outcome's exit code unless the service runs what was asked for (the new release, or after a manual rollback the
    /// restored one).
    /// </summary>
    protected static void EndRun(EcsDeployRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var message = OutcomeMessage.For(run);
        var report = DeployReport.Build(run);
        try
        {
            run.SaveProgress("finished");
            run.Artifacts.WriteReport(report);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The outcome stands whatever happens to its record.
            run.Log.Warning($"Could not write {run.Artifacts.ReportFile} or {run.Artifacts.StateFile}: {e.Message}");
        }

        run.Log.Information(ConsoleSummary.Render(report, run.Artifacts.Directory));
        if (GitHubActionsReport.IsEnabled(run.EnvironmentVariable))
        {
            try
            {
                // Annotations go straight to standard output: the runner reads a command only at the start of a line,
                // and Cake's log may colour or redirect what it writes.
                GitHubActionsReport.Write(report, run.EnvironmentVariable, Console.Out);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The deploy's outcome stands whatever happens to its summary.
                run.Log.Warning($"Could not write the GitHub job summary or step outputs: {e.Message}");
            }
        }

        if (run.State.Succeeded)
        {
            run.Log.Information(message);
            return;
        }

        throw new EcsDeployOutcomeException(run.State.Outcome, message);
    }
}
