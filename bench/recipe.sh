#!/usr/bin/env bash
# The hand-written deploy recipe that Cake.EcsDeploy replaces (issue 6), written the way such recipes are:
# back up the family's task definition, register it with the new image, update the service, wait with the
# AWS CLI's services-stable waiter (it polls every 15 s), sleep 30 s, one wget of the verify URL, and on
# failure put the old revision back and wait again. The fixed waits are the point: keep them as they are.
#
#   bench/recipe.sh CLUSTER SERVICE FAMILY IMAGE VERIFY_URL
#
# Nothing in it knows LocalEcs: the Bench target points the AWS CLI at LocalEcs with AWS_ENDPOINT_URL_ECS and
# test credentials. It writes task-definition.json(.old) in the current directory, as the recipe does.
set -euo pipefail
cluster=$1 service=$2 family=$3 image=$4 verify_url=$5

aws ecs describe-task-definition --task-definition "$family" --query taskDefinition > task-definition.json
cp task-definition.json task-definition.json.old

# register-task-definition rejects the read-only fields that describe-task-definition returns.
jq --arg image "$image" '.containerDefinitions[0].image = $image
    | del(.taskDefinitionArn, .revision, .status, .requiresAttributes, .compatibilities,
          .registeredAt, .registeredBy, .deregisteredAt)' task-definition.json.old > task-definition.json
new_arn=$(aws ecs register-task-definition --cli-input-json file://task-definition.json \
    --query taskDefinition.taskDefinitionArn --output text)
aws ecs update-service --cluster "$cluster" --service "$service" --task-definition "$new_arn" > /dev/null
aws ecs wait services-stable --cluster "$cluster" --services "$service"

sleep 30
if wget -q -O /dev/null "$verify_url"; then
    echo "recipe: deployed $new_arn"
    exit 0
fi

old_arn=$(jq -r .taskDefinitionArn task-definition.json.old)
echo "recipe: $verify_url failed; rolling back to $old_arn" >&2
aws ecs update-service --cluster "$cluster" --service "$service" --task-definition "$old_arn" > /dev/null
aws ecs wait services-stable --cluster "$cluster" --services "$service"
echo "recipe: rolled back to $old_arn" >&2
exit 1
