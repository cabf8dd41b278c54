using Cake.EcsDeploy.Verification;

namespace Cake.EcsDeploy.Tasks;

/// <summary>
/// Proves the new version answers through the load balancer (retries, timeouts, consecutive successes), after a
/// successful deployment. With a version header or body field named, only answers from the new release count.
/// A failure is recorded for Rollback, not thrown out of the run.
/// </summary>
public sealed class VerifyEndpoint : EcsDeployTask
{
    /// <inheritdoc />
    public override string Description => "Verifies the new version answers through the load balancer: consecutive successes, with retries and timeouts.";

    /// <inheritdoc />
    public override bool ShouldRun(EcsDeployRun run) => run.State.Deployed;

    /// <inheritdoc />
    public override string SkipReason => "the deployment did not succeed";

    /// <inheritdoc />
    public override async Task RunAsync(EcsDeployRun run)
    {
        VerificationOptions Options()
        {
            var options = run.Settings.RequireVerification().ForRelease(run.Settings.Image);
            run.Log.Information($"Verifying {options.Url}: {options.ConsecutiveSuccesses} successes in a row ({options.ExpectedStatus}" +
                (options.Version is { } v ? $", version {v.Expected} in {v.Source}" : "") + $") within {options.Deadline.TotalSeconds:0}s");
            return options;
        }

        var result = await run.VerifyAsync(VerificationStage.NewRelease, Options);
        run.State.Verification = result;
        run.Mark(Name, (result.Passed ? "verified: " : "verification failed: ") + result.Summary);
        if (!result.Passed)
        {
            throw new EcsDeployStepException("Verification failed: " + result.Summary);
        }

        run.SaveProgress("verified");
        run.Log.Information("Verified: " + result.Summary);
    }
}
