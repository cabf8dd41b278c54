using System.Text.Json.Nodes;
using LocalEcs.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace LocalEcs.Tests;

public sealed class TaskDefinitionTests(LocalEcsFixture ecs) : IClassFixture<LocalEcsFixture>
{
    [Fact]
    public async Task Register_then_describe_keeps_every_field_and_adds_server_fields()
    {
        var input = JsonNode.Parse("""
        {
          "family": "roundtrip",
          "taskRoleArn": "arn:aws:iam::000000000000:role/task",
          "executionRoleArn": "arn:aws:iam::000000000000:role/exec",
          "networkMode": "awsvpc",
          "requiresCompatibilities": ["FARGATE"],
          "cpu": "256",
          "memory": "512",
          "runtimePlatform": {"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"},
          "ephemeralStorage": {"sizeInGiB": 30},
          "containerDefinitions": [
            {
              "name": "web",
              "image": "registry.example/web:1.2.3",
              "essential": true,
              "cpu": 128,
              "memoryReservation": 256,
              "portMappings": [{"containerPort": 8080, "hostPort": 8080, "protocol": "tcp", "name": "http", "appProtocol": "http"}],
              "environment": [{"name": "MODE", "value": "prod"}],
              "secrets": [{"name": "DB_PASSWORD", "valueFrom": "arn:aws:ssm:us-east-1:000000000000:parameter/db"}],
              "mountPoints": [{"sourceVolume": "data", "containerPath": "/data", "readOnly": false}],
              "dependsOn": [{"containerName": "sidecar", "condition": "START"}],
              "healthCheck": {"command": ["CMD-SHELL", "curl -f http://localhost:8080/ || exit 1"], "interval": 10, "timeout": 5, "retries": 3, "startPeriod": 20},
              "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "web"}},
              "ulimits": [{"name": "nofile", "softLimit": 1024, "hardLimit": 4096}],
              "dockerLabels": {"team": "platform"},
              "linuxParameters": {"initProcessEnabled": true},
              "stopTimeout": 30,
              "readonlyRootFilesystem": true
            },
            {"name": "sidecar", "image": "registry.example/sidecar:7", "essential": false, "command": ["run", "--fast"]}
          ],
          "volumes": [{"name": "data", "efsVolumeConfiguration": {"fileSystemId": "fs-12345678", "rootDirectory": "/", "transitEncryption": "ENABLED"}}],
          "tags": [{"key": "team", "value": "platform"}]
        }
        """)!.AsObject();
        var file = LocalEcsFixture.WriteTemp(input);

        var registered = await ecs.Aws.JsonAsync("register-task-definition", "--cli-input-json", "file://" + file);
        registered["taskDefinition"]!["revision"]!.GetValue<int>().ShouldBe(1);

        var described = await ecs.Aws.JsonAsync("describe-task-definition", "--task-definition", "roundtrip", "--include", "TAGS");
        var td = described["taskDefinition"]!.AsObject();
        foreach (var (name, value) in input)
        {
            if (name == "tags")
            {
                continue;
            }

            JsonNode.DeepEquals(td[name], value).ShouldBeTrue($"{name}: sent {value?.ToJsonString()}, got {td[name]?.ToJsonString()}");
        }

        td.ContainsKey("tags").ShouldBeFalse("tags are returned beside the task definition, not inside it");
        td["taskDefinitionArn"]!.GetValue<string>().ShouldBe("arn:aws:ecs:us-east-1:000000000000:task-definition/roundtrip:1");
        td["status"]!.GetValue<string>().ShouldBe("ACTIVE");
        td["compatibilities"]!.AsArray().Select(c => c!.GetValue<string>()).ShouldBe(["EC2", "FARGATE"]);
        td["registeredBy"]!.GetValue<string>().ShouldBe("arn:aws:iam::000000000000:root");
        td["registeredAt"]!.GetValue<double>().ShouldBeGreaterThan(1_600_000_000);
        td["requiresAttributes"].ShouldBeOfType<JsonArray>();
        td.ContainsKey("deregisteredAt").ShouldBeFalse();
        JsonNode.DeepEquals(described["tags"], input["tags"]).ShouldBeTrue();

        var second = await ecs.Aws.JsonAsync("register-task-definition", "--cli-input-json", "file://" + file);
        second["taskDefinition"]!["revision"]!.GetValue<int>().ShouldBe(2);
    }

    [Fact]
    public async Task Deregister_marks_the_revision_inactive_and_list_filters_by_status()
    {
        var first = await ecs.RegisterAsync("listing", "app:1");
        var second = await ecs.RegisterAsync("listing", "app:2");
        await ecs.RegisterAsync("other-family", "app:1");

        var deregistered = await ecs.Aws.JsonAsync("deregister-task-definition", "--task-definition", "listing:1");
        deregistered["taskDefinition"]!["status"]!.GetValue<string>().ShouldBe("INACTIVE");
        deregistered["taskDefinition"]!["deregisteredAt"].ShouldNotBeNull();

        var active = await ecs.Aws.JsonAsync("list-task-definitions", "--family-prefix", "listing");
        Arns(active).ShouldBe([second]);
        var inactive = await ecs.Aws.JsonAsync("list-task-definitions", "--family-prefix", "listing", "--status", "INACTIVE");
        Arns(inactive).ShouldBe([first]);

        // A bare family resolves to the latest ACTIVE revision; the inactive one stays describable by revision.
        var latest = await ecs.Aws.JsonAsync("describe-task-definition", "--task-definition", "listing");
        latest["taskDefinition"]!["revision"]!.GetValue<int>().ShouldBe(2);
        var old = await ecs.Aws.JsonAsync("describe-task-definition", "--task-definition", first);
        old["taskDefinition"]!["status"]!.GetValue<string>().ShouldBe("INACTIVE");
    }

    [Fact]
    public async Task Register_rejects_a_container_without_image()
    {
        var input = LocalEcsFixture.TaskDefinitionInput("broken", "x");
        input["containerDefinitions"]![0]!.AsObject().Remove("image");
        var result = await ecs.Aws.RunAsync("register-task-definition", "--cli-input-json", "file://" + LocalEcsFixture.WriteTemp(input));

        result.ExitCode.ShouldNotBe(0);
        result.Stderr.ShouldContain("InvalidParameterException");
        result.Stderr.ShouldContain("Container.image should not be null or empty.");
    }

    [Fact]
    public async Task Describe_unknown_task_definition_is_a_client_exception()
    {
        var result = await ecs.Aws.RunAsync("describe-task-definition", "--task-definition", "nope:9");

        result.ExitCode.ShouldNotBe(0);
        result.Stderr.ShouldContain("ClientException");
        result.Stderr.ShouldContain("Unable to describe task definition.");
    }

    [Fact]
    public async Task Create_cluster_then_describe_and_list()
    {
        var created = await ecs.Aws.JsonAsync("create-cluster", "--cluster-name", "tdtests");
        created["cluster"]!["clusterArn"]!.GetValue<string>().ShouldBe("arn:aws:ecs:us-east-1:000000000000:cluster/tdtests");
        created["cluster"]!["status"]!.GetValue<string>().ShouldBe("ACTIVE");

        var described = await ecs.Aws.JsonAsync("describe-clusters", "--clusters", "tdtests", "missing");
        described["clusters"]!.AsArray().Count.ShouldBe(1);
        described["failures"]![0]!["reason"]!.GetValue<string>().ShouldBe("MISSING");

        var listed = await ecs.Aws.JsonAsync("list-clusters");
        listed["clusterArns"]!.AsArray().Select(a => a!.GetValue<string>())
            .ShouldContain("arn:aws:ecs:us-east-1:000000000000:cluster/tdtests");
    }

    private static string[] Arns(JsonNode list) =>
        list["taskDefinitionArns"]!.AsArray().Select(a => a!.GetValue<string>()).ToArray();
}
