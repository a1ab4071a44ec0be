-- Test data. The password of "test" is "test" and of "other" is "other".
-- The hashes were made with generate_password_hash(..., method="pbkdf2:sha256:1000"):
-- few iterations keep the many logins in the test suite fast.
INSERT INTO user (username, password)
VALUES
  ('test', 'pbkdf2:sha256:1000$hqq8uCFizkBwEXfx$520f151bb2890a1871838184be1b4c28ca0c93ad59ab5d1f64325421930b7a94'),
  ('other', 'pbkdf2:sha256:1000$m63oYouxbzJQkbNF$9f9de5472156b0c80d0e598773ebbe5ab73adc030f45f326859f76fb7ba8816b');

INSERT INTO link (owner_id, url, title, notes, created)
VALUES
  (1, 'https://flask.palletsprojects.com/', 'Flask docs', 'The web framework.', '2024-01-01 10:00:00'),
  (1, 'https://docs.python.org/3/', 'Python docs', '', '2024-01-02 10:00:00'),
  (2, 'https://example.org/private', 'Other user link', 'not yours', '2024-01-03 10:00:00');

INSERT INTO tag (link_id, name)
VALUES
  (1, 'flask'),
  (1, 'python'),
  (2, 'python'),
  (3, 'misc');
