CREATE TABLE "access_requests" (
	"id" uuid PRIMARY KEY NOT NULL,
	"partner_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"subject_user_id" uuid,
	"subject_email_canonical" text,
	"payload" jsonb NOT NULL,
	"submitted_by" uuid NOT NULL,
	"submitted_at" timestamp with time zone NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"decision_reason" text,
	"campaign_line_id" uuid
);
--> statement-breakpoint
CREATE TABLE "audit_campaigns" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"partner_ids" uuid[] NOT NULL,
	"deadline" timestamp with time zone NOT NULL,
	"reminder_every_days" integer NOT NULL,
	"reminder_days_before" integer NOT NULL,
	"no_response_outcome" text NOT NULL,
	"status" text NOT NULL,
	"launched_by" uuid NOT NULL,
	"launched_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "campaign_lines" (
	"id" uuid PRIMARY KEY NOT NULL,
	"campaign_id" uuid NOT NULL,
	"partner_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"name" text NOT NULL,
	"email" text NOT NULL,
	"roles" text[] NOT NULL,
	"task_types" text[] NOT NULL,
	"reviewer" text NOT NULL,
	"decision" text,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"request_id" uuid,
	"outcome" text,
	"outcome_at" timestamp with time zone,
	"status_before_outcome" text
);
--> statement-breakpoint
CREATE TABLE "campaign_reminders" (
	"campaign_id" uuid NOT NULL,
	"recipient_user_id" uuid NOT NULL,
	"slot" text NOT NULL,
	"sent_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "access_requests" ADD CONSTRAINT "access_requests_partner_id_partners_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."partners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_requests" ADD CONSTRAINT "access_requests_subject_user_id_users_id_fk" FOREIGN KEY ("subject_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_requests" ADD CONSTRAINT "access_requests_submitted_by_users_id_fk" FOREIGN KEY ("submitted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_requests" ADD CONSTRAINT "access_requests_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_campaigns" ADD CONSTRAINT "audit_campaigns_launched_by_users_id_fk" FOREIGN KEY ("launched_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_lines" ADD CONSTRAINT "campaign_lines_campaign_id_audit_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."audit_campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_lines" ADD CONSTRAINT "campaign_lines_partner_id_partners_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."partners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_lines" ADD CONSTRAINT "campaign_lines_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_lines" ADD CONSTRAINT "campaign_lines_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_lines" ADD CONSTRAINT "campaign_lines_request_id_access_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."access_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_reminders" ADD CONSTRAINT "campaign_reminders_campaign_id_audit_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."audit_campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_reminders" ADD CONSTRAINT "campaign_reminders_recipient_user_id_users_id_fk" FOREIGN KEY ("recipient_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "access_requests_partner_idx" ON "access_requests" USING btree ("partner_id","submitted_at");--> statement-breakpoint
CREATE INDEX "access_requests_status_idx" ON "access_requests" USING btree ("status");--> statement-breakpoint
CREATE UNIQUE INDEX "access_requests_open_onboard_key" ON "access_requests" USING btree ("subject_email_canonical") WHERE "access_requests"."status" = 'pending' and "access_requests"."kind" = 'onboard';--> statement-breakpoint
CREATE UNIQUE INDEX "campaign_lines_user_key" ON "campaign_lines" USING btree ("campaign_id","user_id");--> statement-breakpoint
CREATE INDEX "campaign_lines_partner_idx" ON "campaign_lines" USING btree ("campaign_id","partner_id");--> statement-breakpoint
CREATE UNIQUE INDEX "campaign_reminders_key" ON "campaign_reminders" USING btree ("campaign_id","recipient_user_id","slot");