-- Test data. The password of "alice" is "alice-pass" and of "bob" is "bob-pass".
-- The hashes were made with generate_password_hash(..., method="pbkdf2:sha256:1000"):
-- few iterations keep the many logins in the test suite fast.
INSERT INTO user (username, password_hash)
VALUES
  ('alice', 'pbkdf2:sha256:1000$HqiAKzgjNXqrKofB$167fb335d08b6b07fdbb5c797e38886648a4258c8543cb8a8a05f4adb425b82d'),
  ('bob', 'pbkdf2:sha256:1000$wWmm0ohp0PtOtEax$3cafa24c45537cc91b89f65bdb9b5356cc71b602de023f584c80b41f7ea8de0d');

INSERT INTO note (owner_id, title, body, shared, created)
VALUES
  (1, 'Sprint goals', 'Ship the login page.', 1, '2024-03-01 09:00:00'),
  (1, 'Personal todo', 'Book the dentist.', 0, '2024-03-02 09:00:00'),
  (2, 'Deploy checklist', 'Run the migrations first.', 1, '2024-03-03 09:00:00'),
  (2, 'Salary notes', 'Not for the team.', 0, '2024-03-04 09:00:00');
