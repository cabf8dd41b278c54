using System.Text.Json.Nodes;
using Cake.EcsDeploy.Tests.Support;
using EcsModel;
using Shouldly;
using Xunit;

namespace Cake.EcsDeploy.Tests.Fidelity;

/// <summary>
/// BackupTaskDefinition and RenderTaskDefinition on Cake's engine against moto, an ECS emulator nobody here wrote; the
/// AWS CLI (botocore) reads and writes moto independently. What is proven: the backup is byte-for-byte what
/// describe-task-definition returns, and the rendered file is a RegisterTaskDefinition request another ECS accepts
/// and turns into the same task definition with only the image changed.
/// </summary>
/// <remarks>
/// moto never finishes a deployment: a service with desired count n > 0 stays <c>rolloutState: IN_PROGRESS</c> forever
/// (its <c>MOTO_ECS_SERVICE_RUNNING</c> knob aside). A service created with desired count 0 is COMPLETED at once
/// (0 of 0 running), which is the settled service the backup expects; the IN_PROGRESS case is tested on its own.
/// Set-up is plain <see cref="AwsCli.JsonAsync"/> calls because <see cref="AwsCli.SeedServiceAsync"/> waits for a
/// stability moto never reports.
/// </remarks>
public class MotoBackupAndRenderTests(MotoServer moto) : IClassFixture<MotoServer>
{
    private const string Cluster = "fidelity";

    private static string NewArtifacts() => Directory.CreateTempSubdirectory("ecs-deploy-moto-").FullName;

    private static string Unique(string name) => $"{name}-{Guid.NewGuid().ToString("N")[..8]}";

    private Dictionary<string, string> Arguments(string service, string image, string artifacts, params (string, string)[] extra)
    {
        var arguments = new Dictionary<string, string>
        {
            ["ecs-endpoint"] = moto.Url,
            ["region"] = "us-east-1",
            ["cluster"] = Cluster,
            ["service"] = service,
            ["image"] = image,
            ["artifacts"] = artifacts,
        };
        foreach (var (name, value) in extra)
        {
            arguments[name] = value;
        }

        return arguments;
    }

    /// <summary>Registers a two-container Fargate task definition (with tags) and a service on it; returns its ARN.</summary>
    private async Task<string> SeedAsync(string family, int desiredCount = 0)
    {
        await moto.Cli.JsonAsync("ecs", "create-cluster", "--cluster-name", Cluster);
        var file = Path.Combine(Path.GetTempPath(), $"td-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, $$"""
            {
              "family": "{{family}}",
              "executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
              "networkMode": "awsvpc",
              "requiresCompatibilities": ["FARGATE"],
              "cpu": "256",
              "memory": "512",
              "containerDefinitions": [
                {
                  "name": "api-go",
                  "image": "repo/api:1.0.0",
                  "essential": true,
                  "portMappings": [{ "containerPort": 8000, "protocol": "tcp" }],
                  "environment": [{ "name": "GREETING", "value": "hello" }],
                  "secrets": [{ "name": "DB_PASSWORD", "valueFrom": "arn:aws:ssm:us-east-1:123456789012:parameter/api/db-password" }],
                  "healthCheck": { "command": ["CMD-SHELL", "wget -qO- http://localhost:8000/health || exit 1"], "interval": 10, "timeout": 3, "retries": 3 }
                },
                {
                  "name": "xray",
                  "image": "public.ecr.aws/xray/aws-xray-daemon:3.3.12",
                  "essential": false,
                  "memoryReservation": 64,
                  "portMappings": [{ "containerPort": 2000, "protocol": "udp" }]
                }
              ],
              "tags": [{ "key": "team", "value": "payments" }, { "key": "tier", "value": "api" }]
            }
            """);
        try
        {
            var registered = await moto.Cli.JsonAsync("ecs", "register-task-definition", "--cli-input-json", "file://" + file);
            var arn = (string)registered!["taskDefinition"]!["taskDefinitionArn"]!;
            await moto.Cli.JsonAsync("ecs", "create-service", "--cluster", Cluster, "--service-name", family,
                "--task-definition", arn, "--desired-count", desiredCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return arn;
        }
        finally
        {
            File.Delete(file);
        }
    }

    private async Task<JsonObject> DescribeAsync(string arn) =>
        (JsonObject)(await moto.Cli.JsonAsync("ecs", "describe-task-definition", "--task-definition", arn, "--query", "taskDefinition"))!;

    private static JsonObject ReadJson(string path) => (JsonObject)JsonNode.Parse(File.ReadAllText(path))!;

    private static JsonObject Container(JsonObject taskDefinition, string name) =>
        taskDefinition["containerDefinitions"]!.AsArray().OfType<JsonObject>().Single(c => (string?)c["name"] == name);

    [Fact]
    public async Task The_backup_is_exactly_what_the_AWS_CLI_describes_for_the_revision_the_service_runs()
    {
        var family = Unique("backup");
        var arn = await SeedAsync(family);
        var artifacts = NewArtifacts();

        var run = await CakeHost.RunTargetAsync("RenderTaskDefinition", Arguments(family, "repo/api:1.1.0", artifacts, ("container", "api-go")));

        run.Succeeded.ShouldBeTrue(run.Log);
        var cli = await DescribeAsync(arn);
        var backup = ReadJson(Path.Combine(artifacts, "task-definition.json.old"));
        JsonNode.DeepEquals(backup, cli).ShouldBeTrue($"backup:\n{backup}\naws ecs describe-task-definition:\n{cli}");

        var info = ReadJson(Path.Combine(artifacts, "backup.json"));
        ((string?)info["taskDefinitionArn"]).ShouldBe(arn);
        ((string?)info["cluster"]).ShouldBe(Cluster);
        ((string?)info["service"]).ShouldBe(family);
        var cliTags = (await moto.Cli.JsonAsync("ecs", "describe-task-definition", "--task-definition", arn, "--include", "TAGS", "--query", "tags"))!;
        JsonNode.DeepEquals(info["tags"], cliTags).ShouldBeTrue($"backup.json tags {info["tags"]} vs CLI {cliTags}");
        run.Log.ShouldContain($"Backed up {family}:1");
    }

    [Fact]
    public async Task The_rendered_file_registers_on_moto_as_a_revision_equal_to_the_old_one_but_for_the_image()
    {
        var family = Unique("render");
        var arn = await SeedAsync(family);
        var artifacts = NewArtifacts();

        var run = await CakeHost.RunTargetAsync("RenderTaskDefinition", Arguments(family, "repo/api:1.1.0", artifacts, ("container", "api-go")));
        run.Succeeded.ShouldBeTrue(run.Log);
        var renderedFile = Path.Combine(artifacts, "task-definition.json");
        BotocoreEcsModel.LoadInstalled().ValidateRequest("RegisterTaskDefinition", await File.ReadAllTextAsync(renderedFile)).ShouldBeEmpty();

        var registered = await moto.Cli.JsonAsync("ecs", "register-task-definition", "--cli-input-json", "file://" + renderedFile);

        var newArn = (string)registered!["taskDefinition"]!["taskDefinitionArn"]!;
        newArn.ShouldEndWith($"task-definition/{family}:2");
        var before = await DescribeAsync(arn);
        var after = await DescribeAsync(newArn);
        Container(after, "api-go")["image"]!.GetValue<string>().ShouldBe("repo/api:1.1.0");
        Container(after, "xray")["image"]!.GetValue<string>().ShouldBe("public.ecr.aws/xray/aws-xray-daemon:3.3.12");
        ((int)after["revision"]!).ShouldBe(2);

        // moto returns no registeredAt/registeredBy (its TaskDefinition keeps no registration time), so the fields that
        // differ between two revisions are exactly the ARN and the revision number. Everything else, including
        // moto's own defaults (cpu 0, mountPoints, volumesFrom, volumes, placementConstraints, compatibilities, status),
        // must come back as it was: the rendered request carried the defaults through and moto recomputes the rest.
        before.ContainsKey("registeredAt").ShouldBeFalse("moto started returning registeredAt; drop it before comparing");
        foreach (var field in new[] { "taskDefinitionArn", "revision", "registeredAt" })
        {
            before.Remove(field);
            after.Remove(field);
        }

        Container(after, "api-go")["image"] = "repo/api:1.0.0";
        JsonNode.DeepEquals(after, before).ShouldBeTrue($"new revision (image set back):\n{after}\nold revision:\n{before}");

        var newTags = (await moto.Cli.JsonAsync("ecs", "describe-task-definition", "--task-definition", newArn, "--include", "TAGS", "--query", "tags"))!;
        var oldTags = (await moto.Cli.JsonAsync("ecs", "describe-task-definition", "--task-definition", arn, "--include", "TAGS", "--query", "tags"))!;
        JsonNode.DeepEquals(newTags, oldTags).ShouldBeTrue($"tags of the new revision {newTags} vs the old {oldTags}");
    }

    [Fact]
    public async Task The_backup_is_the_revision_the_service_runs_even_when_the_family_has_a_newer_one()
    {
        var family = Unique("newer");
        var running = await SeedAsync(family);
        var newer = await moto.Cli.JsonAsync("ecs", "register-task-definition", "--family", family,
            "--container-definitions", """[{"name":"api-go","image":"repo/api:9.9.9","memory":128}]""");
        ((string)newer!["taskDefinition"]!["taskDefinitionArn"]!).ShouldEndWith($"{family}:2");
        var artifacts = NewArtifacts();

        var run = await CakeHost.RunTargetAsync("RenderTaskDefinition", Arguments(family, "repo/api:1.1.0", artifacts, ("container", "api-go")));

        run.Succeeded.ShouldBeTrue(run.Log);
        JsonNode.DeepEquals(ReadJson(Path.Combine(artifacts, "task-definition.json.old")), await DescribeAsync(running)).ShouldBeTrue();
        var rendered = ReadJson(Path.Combine(artifacts, "task-definition.json"));
        rendered["containerDefinitions"]!.AsArray().Count.ShouldBe(2);
        Container(rendered, "api-go")["image"]!.GetValue<string>().ShouldBe("repo/api:1.1.0");
    }

    [Fact]
    public async Task Backup_refuses_a_service_moto_reports_mid_deployment_and_takes_it_with_force()
    {
        var family = Unique("busy");
        var arn = await SeedAsync(family, desiredCount: 1);
        var service = (await moto.Cli.JsonAsync("ecs", "describe-services", "--cluster", Cluster, "--services", family))!["services"]![0]!;
        ((string?)service["deployments"]![0]!["rolloutState"]).ShouldBe("IN_PROGRESS", "moto leaves a deployment with desired count > 0 in progress");
        var refused = NewArtifacts();

        var run = await CakeHost.RunTargetAsync("RenderTaskDefinition", Arguments(family, "repo/api:1.1.0", refused, ("container", "api-go")));

        run.Succeeded.ShouldBeFalse();
        run.ErrorMessage.ShouldContain("in progress");
        run.ErrorMessage.ShouldContain("--force");
        Directory.EnumerateFileSystemEntries(refused).ShouldBeEmpty();
        (await moto.Cli.RevisionCountAsync(family)).ShouldBe(1);

        var forced = NewArtifacts();
        var again = await CakeHost.RunTargetAsync("RenderTaskDefinition", Arguments(family, "repo/api:1.1.0", forced, ("container", "api-go"), ("force", "true")));

        again.Succeeded.ShouldBeTrue(again.Log);
        JsonNode.DeepEquals(ReadJson(Path.Combine(forced, "task-definition.json.old")), await DescribeAsync(arn)).ShouldBeTrue();
        (await moto.Cli.RevisionCountAsync(family)).ShouldBe(1, "rendering registers nothing");
    }

    [Fact]
    public async Task Several_containers_without_container_fails_naming_them_and_writes_no_rendered_file()
    {
        var family = Unique("which");
        await SeedAsync(family);
        var artifacts = NewArtifacts();

        var run = await CakeHost.RunTargetAsync("RenderTaskDefinition", Arguments(family, "repo/api:1.1.0", artifacts));

        run.Succeeded.ShouldBeFalse();
        run.ErrorMessage.ShouldContain("api-go, xray");
        run.ErrorMessage.ShouldContain("--container");
        File.Exists(Path.Combine(artifacts, "task-definition.json")).ShouldBeFalse();
        (await moto.Cli.RevisionCountAsync(family)).ShouldBe(1);
    }
}
