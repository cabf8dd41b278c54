// task-api-go's pipeline: the team's own steps around the shared ECS deploy tasks of the Cake.EcsDeploy package.
//   ./build.sh --target=Deploy --image=registry.example.com/task-api-go:1.4.2
// Cluster, service, container and the verification live in ecs-deploy.json; ECS_DEPLOY_<NAME> environment
// variables override the file, and --<name>=<value> arguments override both.
#addin nuget:?package=Cake.EcsDeploy&version=0.1.0

using Cake.EcsDeploy.Tasks;

var target = Argument("target", "Deploy");

// BackupTaskDefinition, RenderTaskDefinition, DeployService, VerifyEndpoint, Rollback and Deploy.
var ecs = EcsDeployTasks.Register(Task);

// Before the service changes, after the inputs are checked and the running revision is backed up: a failed
// migration stops the build with the service untouched.
Task("Migrate")
    .Description("Applies the database migrations the new image needs (a stand-in in this sample).")
    .Does(() => Information("Migrate: applying migrations for task-api-go (none pending in this sample)."));
ecs.DeployService.IsDependentOn("Migrate");

// After Deploy, whatever the outcome: a task that depends on Deploy would not run when the deploy failed and was
// rolled back, which is when the team most needs to hear about it.
TaskTeardown(context =>
{
    if (context.Task.Name == "Deploy" && !context.Skipped)
    {
        Notify(context.Successful
            ? "Notify: task-api-go deployed and verified."
            : $"Notify: task-api-go deploy FAILED: {context.ThrownException?.Message}");
    }
});

// A stand-in for the team's chat webhook.
void Notify(string message) => Information(message);

// Like RunTarget, but the exit code tells the outcome: 0 deployed, 1 error, 2 invalid input, 3 rolled back,
// 4 rollback failed.
EcsDeployTasks.RunTarget(RunTarget, target);
