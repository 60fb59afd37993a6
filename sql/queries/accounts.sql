-- The lookups of tiering/accounts.py.

-- name: members
-- Each customer of a parent account with children (customers.parent_id) and that account: the top of its chain of
-- known parents, the customer itself when it has none. A parent_id not in the feed ends the chain (a warning
-- check names it); a chain longer than 32, a cycle of parents, reaches no top and makes no account.
CREATE OR REPLACE TEMP TABLE account_members AS
WITH RECURSIVE chain(customer_id, ancestor, depth) AS (
    SELECT customer_id, customer_id, 0 FROM staging.customers
    UNION ALL
    SELECT chain.customer_id, parent.customer_id, chain.depth + 1
    FROM chain
    JOIN staging.customers AS child ON child.customer_id = chain.ancestor
    JOIN staging.customers AS parent ON parent.customer_id = child.parent_id
    WHERE chain.depth < 32
),
tops AS (
    SELECT customer_id, arg_max(ancestor, depth) AS account_id, max(depth) AS depth
    FROM chain
    GROUP BY customer_id
)
SELECT customer_id, account_id
FROM tops
WHERE depth < 32 AND account_id IN (SELECT account_id FROM tops GROUP BY account_id HAVING count(*) > 1)

-- name: member_list
-- The members and their accounts.
SELECT customer_id, account_id FROM account_members ORDER BY account_id, customer_id

-- name: member_traits
-- The members' traits in marts.customer_traits (the newest as-of date's).
SELECT t.* FROM marts.customer_traits AS t SEMI JOIN account_members AS m USING (customer_id) ORDER BY customer_id

-- name: profiles
-- The name, owner and firmographics of the customers that head an account.
SELECT customer_id, name AS account_name, account_owner, industry, employees, region
FROM staging.customers
WHERE customer_id IN (SELECT account_id FROM account_members)
