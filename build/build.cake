// This repository's own pipeline: the ECS deploy tasks (from the addin built by build.sh), Demo, Test.
#r "../src/Cake.EcsDeploy/bin/Release/net10.0/Cake.EcsDeploy.dll"
#load "demo.cake"
#load "pack.cake"
#load "bench.cake"

using Cake.EcsDeploy.Tasks;

// Cake starts in build/; relative paths (--artifacts, src/...) are meant from the repository root, where build.sh runs.
Context.Environment.WorkingDirectory = MakeAbsolute(Directory(".."));

var target = Argument("target", "Test");
var configuration = Argument("configuration", "Release");

// BackupTaskDefinition, RenderTaskDefinition, DeployService, VerifyEndpoint, Rollback and Deploy.
var ecs = EcsDeployTasks.Register(Task);

Task("Build")
    .Description("Builds the solution.")
    .Does(() => DotNetBuild("Cake.EcsDeploy.slnx", new DotNetBuildSettings { Configuration = configuration, NoLogo = true }));

Task("Test")
    .Description("Runs every test (unit, LocalEcs, end to end); needs moto_server and the AWS CLI, see README.")
    .Does(() => DotNetTest("Cake.EcsDeploy.slnx", new DotNetTestSettings { Configuration = configuration, NoLogo = true }));

Task("Demo")
    .Description("Starts LocalEcs, deploys a good image (succeeds), then an unhealthy one (rolled back), and checks the service is back on the good revision.")
    .Does(() => RunDemo(Context, configuration));

// Exit codes per outcome: 0 deployed, 1 error, 2 invalid input, 3 rolled back, 4 rollback failed.
EcsDeployTasks.RunTarget(RunTarget, target);
