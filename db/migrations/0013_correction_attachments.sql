-- Evidence for a correction request (a scan of the national ID card, a page of the paper ledger):
-- PDF, JPEG or PNG, checked by content, kept with the request.
CREATE TABLE correction_attachments (
  id           uuid PRIMARY KEY,
  request_id   uuid NOT NULL REFERENCES correction_requests(id),
  filename     text NOT NULL,
  content_type text NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
  size_bytes   integer NOT NULL CHECK (size_bytes > 0 AND size_bytes <= 5242880),
  sha256       text NOT NULL,
  bytes        bytea NOT NULL,
  uploaded_by  uuid NOT NULL REFERENCES users(id),
  uploaded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX correction_attachments_request_idx ON correction_attachments (request_id);
