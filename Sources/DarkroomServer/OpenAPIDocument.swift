import DarkroomCore
import DarkroomQueue
import Hummingbird

/// The OpenAPI 3.1 document of the whole HTTP API, served at `GET /openapi.yaml`. It lives in
/// the binary, so a server deployed as one file still describes itself; `OpenAPITests` validate
/// it with `openapi-spec-validator` and check real responses against its schemas.
enum OpenAPIDocument {
    static func addRoute(to router: Router<DarkroomRequestContext>) {
        router.get("/openapi.yaml") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: yaml)))
        }
        MethodNotAllowed.add(to: router, "/openapi.yaml", allowed: [.get])
    }

    static let yaml = #"""
openapi: 3.1.0
info:
  title: Darkroom
  version: "1"
  description: |
    Catches the callbacks of AI video and image generators (Kling and its gateways), archives
    every result before its URL expires, and serves the archive. Times are RFC 3339 UTC with
    milliseconds. The index file of an archived task is described by docs/index.schema.json.
paths:
  /v1/callbacks/{provider}:
    post:
      summary: A generator's callback, stored before it is answered.
      description: |
        The provider is the generator (or the gateway reselling it) that posts: kling, the one
        Darkroom knows today (any other is a 404). Either of Kling's shapes. Callers prove themselves with a Standard Webhooks signature
        (webhook-id, webhook-timestamp, webhook-signature) or a shared token (?token= or
        Authorization Bearer). Query parameters other than token become the task's tags. A
        server with neither --webhook-secret nor --token takes any caller. The schema names what
        each shape needs; a body is refused (400, with the JSON path at fault) also for what a
        schema cannot say: two videos with one id, two images with one index, a URL that does not
        parse.
      security: [{callbackToken: []}, {callbackBearer: []}, {}]
      parameters:
        - {name: provider, in: path, required: true, schema: {enum: [kling]}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Callback"}
      responses:
        "200":
          description: Stored (or a harmless repeat).
          content:
            application/json:
              schema: {$ref: "#/components/schemas/CallbackAnswer"}
        "400": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
        "413": {$ref: "#/components/responses/Error"}
        "422": {$ref: "#/components/responses/Error"}
        "503": {$ref: "#/components/responses/Error"}
  /v1/tasks:
    get:
      summary: Tasks, newest first, filtered and paged.
      security: [{adminToken: []}]
      parameters:
        - {name: provider, in: query, description: "only this provider's tasks; empty for no filter", schema: {type: string, pattern: "^$|^[a-z0-9-]{1,32}$"}}
        - {name: state, in: query, schema: {$ref: "#/components/schemas/TaskState"}}
        - {name: verdict, in: query, schema: {$ref: "#/components/schemas/Verdict"}}
        - {name: tag, in: query, description: "key:value; empty for no filter", schema: {type: string, pattern: "^$|^[^:\"\\\\\\u0000]+:[^\\u0000]*$"}}
        - {name: created_after, in: query, description: "RFC 3339; empty for no filter (an HTML form's any)", schema: {anyOf: [{type: string, format: date-time}, {type: string, maxLength: 0}]}}
        - {name: created_before, in: query, description: "RFC 3339; empty for no filter (an HTML form's any)", schema: {anyOf: [{type: string, format: date-time}, {type: string, maxLength: 0}]}}
        - {name: limit, in: query, description: "empty for the default", schema: {anyOf: [{type: integer, minimum: 1, maximum: 1000}, {type: string, maxLength: 0}], default: 100}}
        - {name: cursor, in: query, description: "next_cursor of the page before; empty for the first page", schema: {type: string, pattern: "^$|\#(TaskCursor.pattern)"}}
      responses:
        "200":
          description: One page.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/TaskList"}
        "400": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "403": {$ref: "#/components/responses/Error"}
    post:
      summary: Register a task ahead of its callback, so that it is polled even if none comes (docs/polling.md).
      security: [{adminToken: []}]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [task_id]
              properties:
                task_id: {type: string, minLength: 1, maxLength: 1024, pattern: "^[^\\u0000]+$"}
                provider: {anyOf: [{enum: [\#(Providers.all.keys.sorted().joined(separator: ", "))]}, {type: "null"}], description: "whose task it is; default kling"}
                action: {anyOf: [{type: string, pattern: "^[A-Za-z0-9_-]{1,64}$"}, {type: "null"}], description: "the {action} of the query URL; default --poll-action"}
                tags: {anyOf: [{type: object, maxProperties: 20, propertyNames: {pattern: "^[^:\\u0000]{1,64}$"}, additionalProperties: {type: string, maxLength: 256, pattern: "^[^\\u0000]*$"}}, {type: "null"}]}
                poll_url: {anyOf: [{$ref: "#/components/schemas/ResultURL"}, {type: "null"}], description: "this task's query URL instead of --poll-url's; {task_id} and {action} are filled in"}
      responses:
        "201":
          description: Registered; polled from now on until it ends.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/TaskSummary"}
        "200":
          description: Known already; nothing changed.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/TaskSummary"}
        "400": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "403": {$ref: "#/components/responses/Error"}
        "413": {$ref: "#/components/responses/Error"}
  /v1/tasks/{id}:
    get:
      summary: One task, a page of its callback history (oldest first), and its index file once archived.
      security: [{adminToken: []}]
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {$ref: "#/components/parameters/TaskProvider"}
        - {name: history_cursor, in: query, description: "history_next_cursor of the previous page; empty for the first", schema: {type: string, pattern: "^$|^[1-9][0-9]{0,17}$"}}
        - {name: history_limit, in: query, description: "callbacks per page; empty for the default", schema: {anyOf: [{type: integer, minimum: 1, maximum: 1000}, {type: string, maxLength: 0}], default: 100}}
      responses:
        "200":
          description: The task.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/TaskDocument"}
        "400": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "403": {$ref: "#/components/responses/Error"}
  /v1/tasks/{id}/retry:
    post:
      summary: Queue a failed task's archive job again.
      security: [{adminToken: []}]
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {$ref: "#/components/parameters/TaskProvider"}
      responses:
        "200":
          description: Queued again.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/TaskSummary"}
        "400": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
        "409": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "403": {$ref: "#/components/responses/Error"}
  /v1/events:
    get:
      summary: The outbox's events, oldest first, with their deliveries (docs/notifications.md).
      security: [{adminToken: []}]
      parameters:
        - {name: after, in: query, schema: {type: string, pattern: "^[0-9]{0,18}$"}, description: "next_cursor of the page before; empty for the first page"}
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 500, default: 100}}
        - {name: undelivered, in: query, schema: {type: boolean}, description: "only events given up or refused (410) and no longer tried"}
      responses:
        "200":
          description: A page of events.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/EventList"}
        "400": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "403": {$ref: "#/components/responses/Error"}
  /v1/events/{id}/redeliver:
    post:
      summary: Send an event again to every endpoint it was written for, at once, its tries counted afresh.
      security: [{adminToken: []}]
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: Due again.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Event"}
        "404": {$ref: "#/components/responses/Error"}
        "409": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "403": {$ref: "#/components/responses/Error"}
  /v1/tasks/{id}/files.tar:
    get:
      summary: Every file of an archived task in one POSIX tar, streamed; cut short if a file no longer matches its index.
      security: [{adminToken: []}]
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {$ref: "#/components/parameters/TaskProvider"}
      responses:
        "200":
          description: "The tar: a folder named like the task, index.json and every file it lists."
          content:
            application/x-tar:
              schema: {type: string, format: binary}
        "400": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
        "409": {description: "The task is not archived (yet).", content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
        "503": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "403": {$ref: "#/components/responses/Error"}
  /v1/tasks/{id}/files/{path}:
    get:
      summary: An archived file, with Range and ETag.
      security: [{adminToken: []}]
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {$ref: "#/components/parameters/TaskProvider"}
        - {name: path, in: path, required: true, description: "a path the task's index lists, or index.json", schema: {type: string}}
        - {name: Range, in: header, schema: {type: string}}
        - {name: If-None-Match, in: header, schema: {type: string}}
      responses:
        "200": {description: The whole file., content: {"*/*": {schema: {type: string, format: binary}}}}
        "206": {description: The requested range., content: {"*/*": {schema: {type: string, format: binary}}}}
        "302": {description: "With an archive in a bucket and --s3-public-endpoint: a presigned URL to fetch the file from the store (Location)."}
        "304": {description: Unchanged (If-None-Match).}
        "400": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
        "409": {description: "The task is not archived (yet).", content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
        "416": {description: No byte of the file is in the range.}
        "503": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "403": {$ref: "#/components/responses/Error"}
  /healthz:
    get:
      summary: The process answers.
      responses:
        "200":
          description: Alive.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Status"}
  /readyz:
    get:
      summary: The database takes a write lock and the archive folder takes a file.
      responses:
        "200":
          description: Ready.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Status"}
        "503":
          description: Not ready, with the reasons.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Status"}
  /metrics:
    get:
      summary: Prometheus metrics.
      responses:
        "200": {description: Prometheus text format 0.0.4., content: {text/plain: {schema: {type: string}}}}
  /openapi.yaml:
    get:
      summary: This document.
      responses:
        "200": {description: OpenAPI 3.1., content: {application/yaml: {schema: {type: string}}}}
components:
  securitySchemes:
    adminToken:
      type: http
      scheme: bearer
      description: "--admin-token. A server without one answers only its own machine (403 otherwise); a browser may pass it once as ?admin_token= for a cookie."
    callbackToken: {type: apiKey, in: query, name: token, description: "--token, or a Standard Webhooks signature under --webhook-secret"}
    callbackBearer: {type: http, scheme: bearer, description: "--token as Authorization: Bearer"}
  parameters:
    TaskProvider:
      name: provider
      in: query
      description: "Whose task it is (a task is named by its provider and its id): kling when absent or empty."
      schema: {type: string, pattern: "^$|^[a-z0-9-]{1,32}$"}
  responses:
    Error:
      description: What was wrong.
      content:
        application/json:
          schema: {$ref: "#/components/schemas/Error"}
  schemas:
    Error:
      type: object
      required: [error]
      properties:
        error:
          type: object
          required: [message]
          properties:
            message: {type: string}
    Status:
      type: object
      required: [status]
      properties:
        status: {enum: [ok, ready, unavailable]}
        problems: {type: string}
    TaskState: {enum: [waiting, queued, downloading, processing, archived, failed]}
    TaskStatus: {enum: [submitted, processing, succeeded, failed]}
    Verdict: {enum: [ok, warning, failed]}
    Time: {type: string, pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$"}
    Callback:
      description: "Either of Kling's shapes: legacy (task_id, task_status) or new (id, status), or either inside a query answer's data. Unknown fields are ignored, and a null field is an absent one; a status is matched without regard to case."
      anyOf:
        - $ref: "#/components/schemas/LegacyCallback"
        - $ref: "#/components/schemas/NewCallback"
        - type: object
          description: "a query API's answer holding a task, as some gateways post it (and as a poll is kept)"
          required: [code, data]
          not: {anyOf: [{required: [task_id]}, {required: [task_status]}, {required: [id]}, {required: [status]}]}
          properties:
            code: {const: 0}
            data: {anyOf: [{$ref: "#/components/schemas/LegacyCallback"}, {$ref: "#/components/schemas/NewCallback"}]}
    LegacyCallback:
      type: object
      required: [task_id, task_status]
      properties:
        task_id: {$ref: "#/components/schemas/ResultID"}
        task_status: {enum: [submitted, processing, succeed, succeeded, failed]}
        task_status_msg: {anyOf: [{type: string}, {type: "null"}]}
        created_at: {anyOf: [{$ref: "#/components/schemas/Milliseconds"}, {type: "null"}]}
        updated_at: {anyOf: [{$ref: "#/components/schemas/Milliseconds"}, {type: "null"}]}
        task_info: {type: [object, "null"], properties: {external_task_id: {anyOf: [{$ref: "#/components/schemas/ResultID"}, {type: "null"}]}}}
        task_result:
          type: [object, "null"]
          properties:
            videos: {anyOf: [{type: array, maxItems: 50, items: {$ref: "#/components/schemas/ReportedVideo"}}, {type: "null"}]}
            images: {anyOf: [{type: array, maxItems: 50, items: {$ref: "#/components/schemas/ReportedImage"}}, {type: "null"}]}
    NewCallback:
      type: object
      required: [id, status]
      not: {anyOf: [{required: [task_id]}, {required: [task_status]}]}
      properties:
        id: {$ref: "#/components/schemas/ResultID"}
        status: {enum: [submitted, processing, succeed, succeeded, failed]}
        message: {anyOf: [{type: string}, {type: "null"}]}
        create_time: {anyOf: [{$ref: "#/components/schemas/Milliseconds"}, {type: "null"}]}
        update_time: {anyOf: [{$ref: "#/components/schemas/Milliseconds"}, {type: "null"}]}
        external_id: {anyOf: [{$ref: "#/components/schemas/ResultID"}, {type: "null"}]}
        outputs:
          type: [array, "null"]
          maxItems: 100
          description: "outputs of another type (audio) are skipped"
          items:
            anyOf:
              - allOf: [{$ref: "#/components/schemas/ReportedVideo"}, {required: [type], properties: {type: {const: video}}}]
              - allOf: [{$ref: "#/components/schemas/ReportedImage"}, {required: [type], properties: {type: {const: image}}}]
              - {type: object, required: [type], properties: {type: {type: string, not: {enum: [video, image]}}}}
    ResultID: {anyOf: [{type: string, minLength: 1, maxLength: 1024, pattern: "^[^\\u0000]+$"}, {type: integer, minimum: -9223372036854775808, maximum: 9223372036854775807}]}
    Milliseconds: {type: integer, minimum: 0, maximum: 253402300799999, description: "Unix time in milliseconds"}
    ResultURL: {type: string, maxLength: 8192, pattern: "^[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*(:[0-9]{1,4})?([/?][A-Za-z0-9._~!$&'()*+,;=:@/?-]*)?$", description: "http or https"}
    ReportedVideo:
      type: object
      required: [url]
      properties:
        id: {anyOf: [{$ref: "#/components/schemas/ResultID"}, {type: "null"}]}
        url: {$ref: "#/components/schemas/ResultURL"}
        watermark_url: {anyOf: [{$ref: "#/components/schemas/ResultURL"}, {type: "null"}]}
        duration: {anyOf: [{type: number, minimum: 0}, {type: string, pattern: "^$|^[0-9]{1,9}(\\.[0-9]{1,6})?$"}, {type: "null"}], description: "seconds, as the generator reported them"}
    ReportedImage:
      type: object
      required: [url]
      properties:
        index: {anyOf: [{type: integer, minimum: 0, maximum: 10000}, {type: "null"}]}
        url: {$ref: "#/components/schemas/ResultURL"}
    CallbackAnswer:
      type: object
      additionalProperties: false
      required: [task_id, state, status, outcome]
      properties:
        task_id: {type: string}
        state: {$ref: "#/components/schemas/TaskState"}
        status: {$ref: "#/components/schemas/TaskStatus"}
        outcome: {enum: [applied, stale, repeated], description: "repeated: the same results again; stale: older than the task's newest callback"}
    TaskFields:
      type: object
      required: [provider, id, state, status, message, attempts, changed_at, tags]
      properties:
        provider: {type: string, description: "with id, what names the task"}
        id: {type: string}
        state: {$ref: "#/components/schemas/TaskState"}
        status: {$ref: "#/components/schemas/TaskStatus"}
        message: {type: string}
        last_error: {type: string}
        attempts: {type: integer, minimum: 0}
        external_id: {type: string}
        created_at: {$ref: "#/components/schemas/Time"}
        updated_at: {$ref: "#/components/schemas/Time"}
        changed_at: {$ref: "#/components/schemas/Time"}
        tags: {type: object, additionalProperties: {type: string}}
        folder: {type: string, description: "the task folder, relative to <data>/archive"}
        verdict: {$ref: "#/components/schemas/Verdict"}
    TaskSummary:
      allOf:
        - $ref: "#/components/schemas/TaskFields"
      unevaluatedProperties: false
    TaskList:
      type: object
      additionalProperties: false
      required: [tasks]
      properties:
        tasks: {type: array, items: {$ref: "#/components/schemas/TaskSummary"}}
        next_cursor: {type: string}
    TaskDocument:
      allOf:
        - $ref: "#/components/schemas/TaskFields"
      type: object
      unevaluatedProperties: false
      required: [history]
      properties:
        history:
          type: array
          items:
            type: object
            additionalProperties: false
            required: [id, status, status_spelling, received_at, outcome, source]
            properties:
              id: {type: integer}
              source: {enum: [callback, poll], description: "poll: the provider's query API answered it (docs/polling.md)"}
              status: {$ref: "#/components/schemas/TaskStatus"}
              status_spelling: {type: string}
              updated_at: {$ref: "#/components/schemas/Time"}
              received_at: {$ref: "#/components/schemas/Time"}
              outcome: {enum: [applied, stale, repeated]}
        history_next_cursor: {type: string, description: "present when the task has later callbacks than this page holds"}
        index: {type: object, description: "the task's index.json (docs/index.schema.json)"}
        events:
          type: array
          description: "the task's task.archived and task.failed events, oldest first, and how each delivery went"
          items: {$ref: "#/components/schemas/Event"}
    EventList:
      type: object
      additionalProperties: false
      required: [events]
      properties:
        events: {type: array, items: {$ref: "#/components/schemas/Event"}}
        next_cursor: {type: string}
    Event:
      type: object
      additionalProperties: false
      required: [id, type, created_at, deliveries]
      properties:
        id: {type: string, description: "the webhook-id every delivery of the event carries"}
        type: {enum: [task.archived, task.failed]}
        created_at: {$ref: "#/components/schemas/Time"}
        deliveries:
          type: array
          items:
            type: object
            additionalProperties: false
            required: [endpoint, state, attempts]
            properties:
              endpoint: {type: string, description: "the endpoint's URL, credentials in its query string redacted"}
              state: {enum: [pending, delivered, failed, gone]}
              next_attempt_at: {$ref: "#/components/schemas/Time"}
              attempts:
                type: array
                items:
                  type: object
                  additionalProperties: false
                  required: [at]
                  properties:
                    at: {$ref: "#/components/schemas/Time"}
                    status: {type: integer, description: "the endpoint's HTTP status; absent when no answer came"}
                    error: {type: string}
"""#
}
