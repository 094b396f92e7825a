/**
 * The OpenAPI 3.1 description of the admin API, served at `/openapi.json`. Request body
 * schemas are generated from the zod schemas the routes validate with, so they cannot drift.
 *
 * Runs on: main thread
 * @module
 */
import { z } from "zod";
import { groupBody, topicBody } from "./schemas.ts";

const json = (description: string) => ({
  description,
  content: { "application/json": { schema: { type: "object" } } },
});

const errors = {
  "400": json("Invalid request: `{ error, issues: [{ field, reason }] }`"),
  "404": json("Not found: `{ error }`"),
  "500": json("Internal error: `{ error }`"),
};

const topicPath = { name: "topic", in: "path", required: true, schema: { type: "string" } };
const groupPath = { name: "group", in: "path", required: true, schema: { type: "string" } };
const query = (name: string, type: string, description: string) => ({
  name,
  in: "query",
  required: false,
  description,
  schema: { type },
});

/** The document. */
export const OPENAPI_DOCUMENT = {
  openapi: "3.1.0",
  info: {
    title: "RocketMQ-Deno broker admin API",
    version: "1.0.0",
    description: "Cluster, topics, consumer groups with lag, messages, metrics of one broker.",
  },
  paths: {
    "/api/cluster": {
      get: { summary: "Cluster name and this broker", responses: { "200": json("Cluster") } },
    },
    "/api/brokers": {
      get: { summary: "Brokers (this one)", responses: { "200": json("Broker list") } },
    },
    "/api/topics": {
      get: { summary: "Topics with message counts", responses: { "200": json("Topic list") } },
    },
    "/api/topics/{topic}": {
      get: {
        summary: "Topic config and per-queue offsets",
        parameters: [topicPath],
        responses: { "200": json("Topic"), ...errors },
      },
      put: {
        summary: "Create or update a topic",
        parameters: [topicPath],
        requestBody: {
          content: { "application/json": { schema: z.toJSONSchema(topicBody, { io: "input" }) } },
        },
        responses: { "200": json("Saved config"), ...errors },
      },
      delete: {
        summary: "Delete a topic, its queues and offsets",
        parameters: [topicPath],
        responses: { "200": json("Deleted"), ...errors },
      },
    },
    "/api/groups": {
      get: { summary: "Consumer groups with total lag", responses: { "200": json("Group list") } },
    },
    "/api/groups/{group}": {
      get: {
        summary: "Group connections, subscriptions and lag per queue",
        parameters: [groupPath],
        responses: { "200": json("Group"), ...errors },
      },
      put: {
        summary: "Create or update a subscription group",
        parameters: [groupPath],
        requestBody: {
          content: { "application/json": { schema: z.toJSONSchema(groupBody, { io: "input" }) } },
        },
        responses: { "200": json("Saved config"), ...errors },
      },
      delete: {
        summary: "Delete a subscription group",
        parameters: [groupPath, query("cleanOffset", "string", "true to delete its offsets too")],
        responses: { "200": json("Deleted"), ...errors },
      },
    },
    "/api/messages": {
      get: {
        summary: "Find messages by id, by key, or by store time",
        parameters: [
          query("id", "string", "Offset message id, or unique key (with topic)"),
          query("topic", "string", "Topic (needed for key and time searches)"),
          query("key", "string", "Message key"),
          query("begin", "integer", "Store time from (ms)"),
          query("end", "integer", "Store time to (ms)"),
          query("max", "integer", "Most messages returned (1..1000, default 64)"),
        ],
        responses: { "200": json("Messages"), ...errors },
      },
    },
    "/api/stats": {
      get: {
        summary: "Put/consume TPS and lag series for charts",
        responses: { "200": json("Series") },
      },
    },
    "/metrics": {
      get: {
        summary: "Prometheus metrics",
        responses: { "200": { description: "Text format 0.0.4" } },
      },
    },
    "/openapi.json": { get: { summary: "This document", responses: { "200": json("OpenAPI") } } },
  },
} as const;
