using System.Text.Json.Nodes;
using Cake.EcsDeploy.Tests.Support;

namespace Cake.EcsDeploy.Tests.Reporting;

/// <summary>
/// report.json files copied from real runs of the end-to-end tests against LocalEcs (tests/Cake.EcsDeploy.Tests/Reporting/reports),
/// one per outcome, so the views are tested on what a run really writes.
/// </summary>
public static class ReportExamples
{
    /// <summary>An unhealthy image: verification failed (8 requests answered 503), rolled back to unhealthy:1 and verified; unhealthy:2 deregistered.</summary>
    public static JsonObject RolledBackAfterVerification => Load("rolled-back-verification");

    /// <summary>A crashing image: the deployment timed out, rolled back to crashing:1; 21 service events.</summary>
    public static JsonObject RolledBackAfterDeploymentTimeout => Load("rolled-back-deployment-timed-out");

    /// <summary>Both the new and the old revision fail verification: the rollback failed.</summary>
    public static JsonObject RollbackFailed => Load("rollback-failed");

    /// <summary>A healthy image deployed and verified.</summary>
    public static JsonObject Deployed => Load("deployed");

    /// <summary><c>--target=Rollback</c> undid undo:2 and restored undo:1.</summary>
    public static JsonObject ManualRollback => Load("manual-rollback");

    /// <summary>Another deployment was in progress: refused before anything changed.</summary>
    public static JsonObject InvalidInputBusy => Load("invalid-input-busy");

    /// <summary>The --service argument was missing.</summary>
    public static JsonObject InvalidInputArguments => Load("invalid-input-arguments");

    /// <summary>ECS unreachable: failed before the backup.</summary>
    public static JsonObject ErrorUnreachable => Load("error-unreachable");

    public static JsonObject Load(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "tests", "Cake.EcsDeploy.Tests", "Reporting", "reports", name + ".json")))!.AsObject();
}
